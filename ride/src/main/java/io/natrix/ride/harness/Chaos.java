package io.natrix.ride.harness;

import io.natrix.ride.RideSecurity;
import io.natrix.Natrix;
import io.natrix.ride.sim.Simulator;
import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerProcess;
import io.natrix.testkit.UnassignedPorts;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * {@code ./natrix chaos}: the ride system on a 3-node NATS cluster (JetStream, replicas 3) with every service
 * as separate processes and the simulator's riders and drivers on both gateways, then each fault in turn:
 * a rolling restart of every service instance, kill -9 of a dispatch and of a geo instance, kill -9 of a NATS
 * server, a frozen (partitioned) users instance and a geo instance that falls behind. After each, a table row:
 * requests attempted, failed (error lines on the apps' streams included, by cause) and retried by the clients,
 * nearby answers received, rides lost (requested but not in the ledger), rides assigned twice (two drivers
 * told a ride is theirs), how long the fault's own action took, and the time from its end until two seconds
 * pass with no failure and riders getting nearby drivers. It exits non-zero when a ride was lost or assigned
 * twice, or a fault was not recovered from within the observed window.
 */
public final class Chaos {

    /** What to run. */
    record Options(int drivers, int riders, Duration settle, Duration observe, int regions) {

        static Options parse(String... args) {
            int drivers = 300;
            int riders = 100;
            int regions = 1;
            Duration settle = Duration.ofSeconds(15);
            Duration observe = Duration.ofSeconds(12);
            for (int i = 0; i < args.length; i += 2) {
                if (args[i].equals("--help") || i + 1 >= args.length) {
                    throw new IllegalArgumentException(USAGE);
                }
                switch (args[i]) {
                    case "--drivers" -> drivers = Integer.parseInt(args[i + 1]);
                    case "--riders" -> riders = Integer.parseInt(args[i + 1]);
                    case "--settle" -> settle = Duration.ofSeconds(Long.parseLong(args[i + 1].replace("s", "")));
                    case "--observe" -> observe = Duration.ofSeconds(Long.parseLong(args[i + 1].replace("s", "")));
                    case "--regions" -> regions = Integer.parseInt(args[i + 1]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
                }
            }
            if (regions != 1 && regions != 2) {
                throw new IllegalArgumentException("--regions: 2 (two regions joined by NATS gateways) or 1, not " + regions + "\n" + USAGE);
            }
            return new Options(drivers, riders, settle, observe, regions);
        }
    }

    /**
     * One row of the table. {@code failed} counts every failure the apps saw, error lines on their streams
     * included ({@code failures} says which, by status); {@code nearbyReceived} counts answers, never error
     * lines; {@code faultLasted} is the fault's own action (a rolling restart, a replacement starting);
     * {@code recovery} is the time from the end of that action until the apps saw normal service again, or
     * null if they did not within the observed window.
     */
    record Row(String fault, long requests, long failed, long errorLines, String failures, long retried, int lost,
               int doubled, Duration faultLasted, Duration recovery, long nearbyReceived, long nearbyExpected, String note) {

        /**
         * Failures of the requests the apps made (sign-ups, rides, answers, steps): every failure but the
         * {@code {"error":..}} lines on the apps' streams (failed nearby polls, an overrun offers stream).
         */
        long failedRequests() {
            return failed - errorLines;
        }

        boolean recovered() {
            return recovery != null;
        }
    }

    static final String USAGE = "usage: natrix chaos [--drivers 300] [--riders 100] [--settle 15s] [--observe 12s] [--regions 2]";

    private final Options options;
    private final List<NatsServerProcess> servers;
    private final RideSecurity security;
    private final RideProcesses system;
    private final Simulator simulator;
    /** The name of the NATS connection that probes a server's death. */
    private static final String PROBE = "chaos-probe";
    private final List<String> gateways;
    private final PrintStream out;

    private Chaos(Options options, List<NatsServerProcess> servers, RideSecurity security, RideProcesses system, Simulator simulator,
                  List<String> gateways, PrintStream out) {
        this.options = options;
        this.servers = servers;
        this.security = security;
        this.system = system;
        this.simulator = simulator;
        this.gateways = gateways;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(args.length > 0 && args[0].equals("--help") ? 0 : 2);
            return;
        }
        if (options.regions() == 2) {
            RegionsChaos.main(options);
            return;
        }
        List<Row> rows = run(options, System.out);
        boolean clean = rows.stream().allMatch(row -> row.lost() == 0 && row.doubled() == 0);
        List<String> stuck = rows.stream().filter(row -> !row.recovered()).map(Row::fault).toList();
        if (!clean) {
            System.out.println("chaos: FAILED: rides lost or assigned twice");
        } else if (!stuck.isEmpty()) {
            System.out.println("chaos: FAILED: not normal again within the observed window after: " + String.join("; ", stuck));
        } else {
            System.out.println("chaos: no ride lost, none assigned twice, every fault recovered within its window");
        }
        System.exit(survived(rows) ? 0 : 1);
    }

    /** Starts everything, runs every fault, prints the table and returns its rows. */
    static List<Row> run(Options options, PrintStream out) throws Exception {
        // secured as the demo is: TLS, a user per role (the demo's keys, generated on first use)
        RideSecurity security = RideSecurity.reuse(RideDemo.home());
        List<NatsServerProcess> servers = new ArrayList<>(NatsServerProcess.start(3, true, 0, security.nats()));
        String url = servers.stream().map(NatsServerProcess::url).collect(Collectors.joining(","));
        int[] ports = UnassignedPorts.choose(4); // two gateways, and their ingest ports
        RideProcesses system = null;
        Thread cleanUp = null;
        boolean survived = false;
        try {
            RideProcesses.Layout layout = RideProcesses.Layout.demo(List.of(ports[0], ports[1]), List.of(ports[2], ports[3]));
            out.printf("chaos: NATS cluster %s; starting the ride system (%s; %d processes, every one traced;"
                    + " JetStream replicas 3)%n", url, layout, layout.processes());
            system = RideProcesses.start(url, security, 3, layout,
                    "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1");
            out.printf("chaos: the instances' logs are in %s (kept if a fault is not survived)%n", system.logs());
            RideProcesses started = system;
            cleanUp = Thread.ofPlatform().unstarted(() -> {
                started.close();
                servers.forEach(NatsServerProcess::stop);
            });
            Runtime.getRuntime().addShutdownHook(cleanUp);
            List<String> gateways = List.of("http://127.0.0.1:" + ports[0], "http://127.0.0.1:" + ports[1]);
            List<String> ingest = List.of("ws://127.0.0.1:" + ports[2], "ws://127.0.0.1:" + ports[3]);
            try (Simulator simulator = new Simulator(new Simulator.Options(gateways, ingest, options.drivers(), options.riders(),
                    15, 60, Duration.ofDays(1)))) {
                simulator.awaitReady(Duration.ofSeconds(120)); // the apps start once the system answers
                simulator.start();
                out.printf("simulating %d drivers and %d riders (a ride every 15 s per rider); settling %d s%n",
                        options.drivers(), options.riders(), options.settle().toSeconds());
                Thread.sleep(options.settle());
                List<Row> rows = new Chaos(options, servers, security, system, simulator, gateways, out).faults();
                survived = survived(rows);
                return rows;
            }
        } finally {
            if (cleanUp != null) {
                Runtime.getRuntime().removeShutdownHook(cleanUp);
            }
            if (system != null) {
                system.close();
            }
            servers.forEach(NatsServerProcess::stop);
            if (system != null) {
                system.keepLogsIf(!survived, "chaos: ", "", out);
            }
        }
    }

    /** Whether every fault was survived: no ride lost, none assigned twice, each normal again within its window. */
    static boolean survived(List<Row> rows) {
        return rows.stream().allMatch(row -> row.lost() == 0 && row.doubled() == 0 && row.recovered());
    }

    private List<Row> faults() throws Exception {
        List<Row> rows = new ArrayList<>();
        rows.add(observe("none (baseline)", () -> ""));
        rows.add(observe("rolling restart of every service instance (SIGTERM, drain, start, next)", () -> {
            int restarted = 0;
            // which restarts the failures came with: the apps' errors while each instance stopped and its
            // replacement started, by role
            java.util.Map<String, Long> failedDuring = new java.util.TreeMap<>();
            for (RideProcesses.Instance instance : system.instances()) {
                if (!instance.gateway()) {
                    long before = simulator.counters().errors();
                    system.restart(instance);
                    failedDuring.merge(instance.role(), simulator.counters().errors() - before, Long::sum);
                    restarted++;
                }
            }
            failedDuring.values().removeIf(failed -> failed == 0);
            return restarted + " instances restarted one by one" + (failedDuring.isEmpty() ? ""
                    : "; failures while restarting " + failedDuring.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }));
        rows.add(observe("kill -9 of a dispatch instance", () -> killAndReplace("dispatch")));
        rows.add(observe("kill -9 of a geo instance", () -> killAndReplace("geo")));
        rows.add(observe("kill -9 of a NATS server (of 3)", this::killNatsServer));
        rows.add(observe("users instance frozen 8 s (SIGSTOP: a partition), then resumed", () ->
                freeze("users", Duration.ofSeconds(8), "dropped by the server after missed pings, reconnected on resume")));
        rows.add(observe("geo instance frozen 5 s (falls behind on ms.geo.UpdatePoint), then resumed", () ->
                freeze("geo", Duration.ofSeconds(5), "the other geo instances kept answering Nearby; the frozen one caught up or was dropped")));
        printTable(rows);
        return rows;
    }

    /** SIGSTOP an instance of the role for a while, then SIGCONT. */
    private String freeze(String role, Duration howLong, String note) throws Exception {
        RideProcesses.Instance frozen = first(role);
        system.pause(frozen);
        Thread.sleep(howLong);
        system.resume(frozen);
        return note;
    }

    private String killAndReplace(String role) throws Exception {
        RideProcesses.Instance victim = first(role);
        system.kill(victim);
        long started = System.nanoTime();
        system.replace(victim);
        return String.format("replacement ready in %.1f s", (System.nanoTime() - started) / 1e9);
    }

    /**
     * Kills a NATS server and measures how long each process connected to it took to be connected to another
     * ({@link Reconnects}, from the servers' own monitoring), and a probe's view from its connection's events
     * (a status polled every millisecond can miss a reconnection that takes less than that).
     */
    private String killNatsServer() throws Exception {
        NatsServerProcess victim = servers.getFirst();
        String url = servers.stream().map(NatsServerProcess::url).collect(Collectors.joining(","));
        CompletableFuture<Long> disconnected = new CompletableFuture<>();
        CompletableFuture<Long> reconnected = new CompletableFuture<>();
        try (Natrix probe = Natrix.builder().servers(url).shutdownHook(false).connectionName(PROBE)
                .credentials(security.nats().seed(NatsSecurity.ADMIN)).trust(security.nats().ca())
                .natsOptions(o -> o.noRandomize().reconnectWait(Duration.ofMillis(100)).connectionListener((connection, event) -> {
                    switch (event) {
                        case DISCONNECTED -> disconnected.complete(System.nanoTime());
                        case RECONNECTED -> reconnected.complete(System.nanoTime());
                        default -> { }
                    }
                })).connect()) {
            String probed = probe.nats().getConnectedUrl();
            Set<String> onVictim = Reconnects.connectedTo(victim);
            onVictim.remove(PROBE); // the processes' own, not the probe's (measured below from its events)
            Instant killedAt = Instant.now();
            long killed = System.nanoTime(); // before: kill() returns only once the server is gone and its files too
            victim.kill();
            Reconnects.Result moved = Reconnects.await(onVictim, servers.subList(1, servers.size()), killedAt,
                    Duration.ofSeconds(30));
            try {
                long noticed = disconnected.get(30, TimeUnit.SECONDS);
                long again = reconnected.get(30, TimeUnit.SECONDS);
                return String.format("%s; the probe noticed %d ms after the kill and was connected to another %d ms after it",
                        moved.describe(), Duration.ofNanos(noticed - killed).toMillis(), Duration.ofNanos(again - killed).toMillis());
            } catch (TimeoutException e) {
                return moved.describe() + "; the probe (" + probed + ") was " + (disconnected.isDone()
                        ? "not connected to another" : "still connected to it, as far as it knew,") + " 30 s after the kill";
            }
        }
    }

    private RideProcesses.Instance first(String role) {
        return system.instances().stream().filter(instance -> instance.role().equals(role)).findFirst().orElseThrow();
    }

    interface Fault {
        String inject() throws Exception;
    }

    /** Injects the fault while counting, then watches for the observe period, and checks the ledger. */
    private Row observe(String name, Fault fault) throws Exception {
        out.printf("fault: %s ...%n", name);
        Simulator.Counters before = simulator.counters();
        long started = System.nanoTime();
        Recovery recovery = new Recovery(options.riders(), started);
        Thread watcher = Thread.ofVirtual().start(() -> watch(simulator, recovery));
        String note = fault.inject();
        Duration lasted = recovery.faultOver(System.nanoTime());
        Thread.sleep(options.observe());
        watcher.interrupt();
        watcher.join();
        Simulator.Counters after = simulator.counters();
        Simulator.Integrity integrity = simulator.integrity(gateways.getFirst());
        long expected = Math.round(options.riders() * (System.nanoTime() - started) / 1e9);
        Row row = new Row(name, after.requests() - before.requests(), after.errors() - before.errors(),
                after.errorLines() - before.errorLines(), after.errorCausesSince(before), after.retries() - before.retries(), integrity.ridesMissing(),
                integrity.ridesAcceptedByTwoDrivers(), lasted, recovery.time(),
                after.nearbyUpdates() - before.nearbyUpdates(), expected,
                note + (after.errors() > before.errors() ? "; last failure: " + after.lastError() : ""));
        out.printf("  %,d requests, %,d failed%s, %,d retried, %d rides lost of %d, %d assigned twice, fault lasted %s,"
                        + " normal again %s after it%n", row.requests(), row.failed(),
                row.failed() == 0 ? "" : " (" + row.failures() + ")", row.retried(), row.lost(),
                integrity.ridesRequested(), row.doubled(), seconds(row.faultLasted()), format(row.recovery()));
        return row;
    }

    /** Samples the clients' counters every 250 ms until interrupted. */
    static void watch(Simulator simulator, Recovery recovery) {
        try {
            while (true) {
                Simulator.Counters now = simulator.counters();
                recovery.sample(System.nanoTime(), now.errors(), now.nearbyWithDrivers());
                Thread.sleep(250);
            }
        } catch (InterruptedException done) {
            // the window is over
        }
    }

    private void printTable(List<Row> rows) {
        out.println();
        out.println("| fault | requests | failed (by cause) | of which error lines on streams | retried | nearby answers (expected)"
                + " | rides lost | assigned twice | fault lasted | normal again after it | note |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        for (Row row : rows) {
            out.printf("| %s | %,d | %,d%s | %,d | %,d | %,d (%,d) | %d | %d | %s | %s | %s |%n", row.fault(), row.requests(),
                    row.failed(), row.failed() == 0 ? "" : " (" + row.failures() + ")", row.errorLines(), row.retried(),
                    row.nearbyReceived(), row.nearbyExpected(), row.lost(), row.doubled(), seconds(row.faultLasted()),
                    format(row.recovery()), row.note().replace("|", "/"));
        }
        out.println();
    }

    static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }

    static String format(Duration recovery) {
        return recovery == null ? "not within the window" : seconds(recovery);
    }


    /**
     * When the apps saw normal service again, from samples of their counters (every 250 ms from the moment the
     * fault starts): the time from the end of the fault's own action to the start of the first two seconds with
     * no new failure (error lines included) and nearby answers with drivers for at least 80% of the riders' polls
     * (two seconds and 80%: a few dozen riders' once-a-second polls do not fall evenly into shorter windows).
     */
    static final class Recovery {
        private record Sample(long nanos, long errors, long nearbyWithDrivers) {
        }

        private final int riders;
        private final long started;
        private final List<Sample> samples = new ArrayList<>();
        private volatile long faultOver = Long.MAX_VALUE;

        Recovery(int riders, long startedNanos) {
            this.riders = riders;
            this.started = startedNanos;
        }

        void sample(long nanos, long errors, long nearbyWithDrivers) {
            synchronized (samples) {
                samples.add(new Sample(nanos, errors, nearbyWithDrivers));
            }
        }

        /**
         * When the failures came, by whole seconds from the fault's start: {@code +11 s ×24, +12 s ×6}; empty when
         * there were none.
         */
        String failuresOverTime() {
            List<Sample> seen;
            synchronized (samples) {
                seen = List.copyOf(samples);
            }
            java.util.Map<Long, Long> bySecond = new java.util.TreeMap<>();
            for (int i = 1; i < seen.size(); i++) {
                long failed = seen.get(i).errors() - seen.get(i - 1).errors();
                if (failed > 0) {
                    bySecond.merge((seen.get(i).nanos() - started) / 1_000_000_000L, failed, Long::sum);
                }
            }
            return bySecond.entrySet().stream().map(e -> "+" + e.getKey() + " s ×" + e.getValue()).collect(Collectors.joining(", "));
        }

        /** Marks the end of the fault's own action; returns how long that action took. */
        Duration faultOver(long nanos) {
            faultOver = nanos;
            return Duration.ofNanos(faultOver - started);
        }

        /** The time to normal after the fault's action, or null when the samples never show it. */
        Duration time() {
            List<Sample> seen;
            synchronized (samples) {
                seen = List.copyOf(samples);
            }
            for (int i = 0; i < seen.size(); i++) {
                Sample from = seen.get(i);
                if (from.nanos() < faultOver) {
                    continue;
                }
                for (int j = i + 1; j < seen.size(); j++) {
                    Sample to = seen.get(j);
                    if (to.nanos() - from.nanos() >= 2_000_000_000L) {
                        double seconds = (to.nanos() - from.nanos()) / 1e9;
                        if (to.errors() == from.errors()
                                && (to.nearbyWithDrivers() - from.nearbyWithDrivers()) / seconds >= 0.8 * riders) {
                            return Duration.ofNanos(Math.max(0, from.nanos() - faultOver));
                        }
                        break;
                    }
                }
            }
            return null;
        }
    }
}
