package io.natrix.bench;

import io.natrix.testkit.NatsServerProcess;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./natrix bench core}: request/reply at several concurrencies for natrix and raw jnats in the same
 * run (responder in a separate JVM, all on one nats-server this command starts), then broadcast throughput.
 * Clients alternate within each round; with several rounds the median per cell is printed.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        int code = run(args, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the bench {@code args} name; a bad command line is said on {@code err} in one line (what was wrong,
     * and where the options are), with exit code 2, not as a stack trace.
     */
    static int run(String[] args, java.io.PrintStream err) throws Exception {
        try {
            dispatch(args);
            return 0;
        } catch (IllegalArgumentException badArguments) {
            err.println("natrix bench: " + badArguments.getMessage());
            err.println("(./natrix bench " + (args.length > 0 ? args[0] + " " : "") + "--help lists the options)");
            return 2;
        }
    }

    private static void dispatch(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("http-servers")) {
            HttpServerChoice.main(args);
            return;
        }
        if (args.length > 0 && args[0].equals("ride")) {
            ride(Arrays.asList(args).subList(1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("streams")) {
            StreamsBench.main(args);
            return;
        }
        if (args.length > 0 && args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length)); // JMH's own Main: no import, Bench has a main too
            return;
        }
        if (args.length > 0 && args[0].equals("fleet-chart")) {
            FleetChart.run(Arrays.asList(args).subList(1, args.length));
            return;
        }
        if (args.length == 3 && args[0].equals("peers-chart")) {
            PeerCharts.redraw(Path.of(args[1]), Path.of(args[2]));
            return;
        }
        if (args.length > 0 && args[0].equals("peers")) {
            PeersBench.run(Arrays.asList(args).subList(1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("listeners")) {
            ListenerCostBench.run(Arrays.asList(args).subList(1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("regions")) {
            RegionsBench.run(Arrays.asList(args).subList(1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("tokens")) {
            TokenBench.run(Arrays.asList(args).subList(1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("gateway")) {
            GatewayBench.main(args);
            return;
        }
        BenchOptions options = BenchOptions.parse(args);
        NatsServerProcess server = NatsServerProcess.start(1, false).getFirst();
        ResponderProcess responder = ResponderProcess.start(server.url());
        try {
            System.out.printf("natrix bench core: nats-server %s, %d cores, %s, java %s%n", server.url(),
                    Runtime.getRuntime().availableProcessors(), options, Runtime.version());
            requestReply(server.url(), options);
            broadcast(server.url(), options);
        } finally {
            responder.close();
            server.stop();
        }
    }

    /** {@code ride [geo [drivers] [seconds] | fleet [options]]}: both when neither is named. */
    private static void ride(List<String> args) throws Exception {
        String part = args.isEmpty() ? "all" : args.getFirst();
        List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
        switch (part) {
            case "geo" -> GeoBench.run(rest);
            case "fleet" -> FleetBench.run(rest);
            case "all" -> {
                GeoBench.run(List.of());
                System.out.println();
                FleetBench.run(List.of());
            }
            default -> throw new IllegalArgumentException("usage: natrix bench ride [geo [drivers] [seconds] | fleet [options]]");
        }
    }

    private static void requestReply(String url, BenchOptions options) throws Exception {
        byte[] payload = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        List<Client> clients = Client.all(url, payload);
        Map<String, List<LoadRun.Result>> cells = new LinkedHashMap<>();
        try {
            for (int round = 0; round < options.rounds(); round++) {
                for (int concurrency : options.concurrency()) {
                    for (int i = 0; i < clients.size(); i++) {
                        Client client = clients.get((i + round) % clients.size()); // alternate who goes first
                        LoadRun.Result result = LoadRun.run(client, concurrency, options.warmup(), options.measure());
                        cells.computeIfAbsent(client.name() + "@" + concurrency, k -> new ArrayList<>()).add(result);
                        System.err.printf("  round %d  %-24s %5d callers  %,10.0f req/s  p99 %,8.0f us%n", round + 1,
                                result.client(), concurrency, result.perSecond(), result.p99Micros());
                    }
                }
            }
        } finally {
            clients.forEach(Client::close);
        }
        System.out.println();
        System.out.println("Request/reply, 16-byte payload, closed loop, the median round of " + options.rounds()
                + " (req/s range over rounds beside it); latencies corrected for coordinated omission (bench/README.md)");
        System.out.println();
        System.out.println("| client | callers | req/s | req/s over rounds | p50 µs | p99 µs | p99.9 µs | errors | vs raw jnats future |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int concurrency : options.concurrency()) {
            double baseline = Rounds.median(cells.get("raw jnats future.get()@" + concurrency), LoadRun.Result::perSecond).perSecond();
            for (Client client : clients) {
                List<LoadRun.Result> rounds = cells.get(client.name() + "@" + concurrency);
                LoadRun.Result r = Rounds.median(rounds, LoadRun.Result::perSecond);
                System.out.printf("| %s | %d | %,.0f | %s | %,.0f | %,.0f | %,.0f | %d | %.2f× |%n", r.client(), concurrency,
                        r.perSecond(), Rounds.range(rounds, LoadRun.Result::perSecond, "%,.0f"), r.p50Micros(),
                        r.p99Micros(), r.p999Micros(), r.errors(), r.perSecond() / baseline);
            }
        }
    }

    private static void broadcast(String url, BenchOptions options) throws Exception {
        byte[] payload = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        int events = options.broadcastEvents();
        System.out.println();
        System.out.println("Broadcast, 16-byte events, " + String.format("%,d", events) + " published as fast as possible, every listener gets every event");
        System.out.println();
        System.out.println("| stack | listeners | deliveries/s | dropped (slow consumer) |");
        System.out.println("|---|---:|---:|---:|");
        for (int listeners : new int[]{1, 3}) {
            for (BroadcastRun.Result r : List.of(BroadcastRun.natrix(url, listeners, events, payload),
                    BroadcastRun.jnats(url, listeners, events, payload))) {
                System.out.printf("| %s | %d | %,.0f | %,d |%n", r.stack(), r.listeners(), r.deliveriesPerSecond(), r.dropped());
            }
        }
    }


    /** {@code core [--seconds N] [--warmup N] [--rounds N] [--concurrency 1,16,256,1024] [--events N]}. */
    record BenchOptions(Duration measure, Duration warmup, int rounds, int[] concurrency, int broadcastEvents) {

        static BenchOptions parse(String... args) {
            Duration measure = Duration.ofSeconds(3);
            Duration warmup = Duration.ofSeconds(1);
            int rounds = 1;
            int[] concurrency = {1, 16, 256, 1024};
            int events = 200_000;
            if (args.length == 0 || !args[0].equals("core")) {
                throw new IllegalArgumentException("usage: natrix bench core [--seconds N] [--warmup N] [--rounds N]"
                        + " [--concurrency 1,16,256,1024] [--events N]");
            }
            for (int i = 1; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value");
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--seconds" -> measure = Duration.ofSeconds(Long.parseLong(value));
                    case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(value));
                    case "--rounds" -> rounds = Rounds.requireOdd(Integer.parseInt(value));
                    case "--concurrency" -> concurrency = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--events" -> events = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new BenchOptions(measure, warmup, rounds, concurrency, events);
        }

        @Override
        public String toString() {
            return String.format("%d s per cell after %d s warm-up, %d round(s), callers %s", measure.toSeconds(),
                    warmup.toSeconds(), rounds, Arrays.toString(concurrency));
        }
    }
}
