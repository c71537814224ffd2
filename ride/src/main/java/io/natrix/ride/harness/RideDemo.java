package io.natrix.ride.harness;

import io.natrix.ride.RideSecurity;
import io.natrix.ride.api.RideApi;
import io.natrix.ride.sim.Simulator;
import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerProcess;
import io.natrix.testkit.UnassignedPorts;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code ./natrix demo}: the whole ride system on one machine. A nats-server it owns (or three clustered, or
 * one you name), every service as separate processes (2 of each, 3 of geo), 2 gateways, and the simulator's
 * drivers and riders on both gateways. Ctrl-C stops the simulator (its summary so far printed), the gateways, the
 * services, then NATS.
 */
public final class RideDemo {

    record Options(String nats, int cluster, int port, int drivers, int riders, Duration duration, boolean smoke,
                   int natsPort, boolean insecure, int regions, java.nio.file.Path writeConfig, String hosts) {

        /**
         * The two gateways' ports, then their two ingest ports (where the drivers' location WebSockets go):
         * {@code port} and the three after it, or four free ports when {@code port} is 0 ({@link UnassignedPorts}: none
         * that another bind to port 0 could be given first, nor one the demo's nats-server is given too).
         */
        int[] gatewayPorts() {
            if (port != 0) {
                return new int[]{port, port + 1, port + 2, port + 3};
            }
            return UnassignedPorts.choose(4);
        }
    }

    static final String USAGE = "usage: natrix demo [--nats nats://host:4222] [--cluster 3] [--port 8080] [--nats-port 4222]"
            + " [--drivers 1000] [--riders 200] [--duration 600s] [--smoke] [--insecure] [--regions 2]\n"
            + "  --port: the first gateway's port, the second gets the next one, their ingest ports the two after (0: four free ports)\n"
            + "  --nats-port: the first nats-server's port when free (0: any free port); the others take free ports\n"
            + "  --nats: a server of yours; its users must be those of .natrix/nats (SECURITY.md), or give --insecure\n"
            + "  --insecure: NATS without users, permissions or TLS, as before security landed: for comparison only\n"
            + "  --regions 2: two regions, each a NATS cluster of two servers with its own services and gateway, joined by NATS\n"
            + "               gateways into a supercluster, a leaf node for a city's edge; geo sharded by place (docs/scaling.md)\n"
            + "  --write-config DIR [--hosts 'south=10.0.1.1,10.0.1.2;north=10.0.2.1,10.0.2.2;leaf=10.0.3.1']: with --regions 2,\n"
            + "               starts nothing: writes the same system for those hosts into DIR (nats-server configs checked by\n"
            + "               nats-server -t, keys, each region's services' commands and environment, DIR/README.md)";

    /** NATS's usual client port: the demo's, and the CLI's default. */
    static final int DEFAULT_NATS_PORT = 4222;

    private final List<NatsServerProcess> servers = new ArrayList<>();
    /** The users, keys and certificates of the secured NATS; empty in the open mode ({@code --insecure}). */
    private Optional<RideSecurity> security = Optional.empty();
    private RideProcesses processes;
    /** The apps, once they run: their errors decide whether the logs are kept. */
    private volatile Simulator apps;
    /** Why this run's logs must be kept, when something went wrong: an instance ended, the start failed. */
    private final List<String> troubles = new java.util.concurrent.CopyOnWriteArrayList<>();

    public static void main(String[] args) throws Exception {
        Options options = parse(args);
        if (options.writeConfig() != null) {
            RegionsConfig.write(options.writeConfig(), options.hosts(), options.insecure());
            return;
        }
        if (options.regions() > 1) {
            RegionsDemo.run(options);
            return;
        }
        RideDemo demo = new RideDemo();
        Thread stop = Thread.ofPlatform().unstarted(demo::stop);
        Runtime.getRuntime().addShutdownHook(stop);
        Simulator simulator = null;
        try {
            int[] ports = options.gatewayPorts();
            String taken = takenPort(ports);
            if (taken != null) {
                System.err.println("natrix demo: " + taken);
                Runtime.getRuntime().removeShutdownHook(stop);
                System.exit(2);
            }
            String url;
            try {
                url = demo.startNats(options);
                demo.startServices(url, ports);
            } catch (Exception failed) {
                System.err.println("natrix demo: could not start: " + failed.getMessage());
                demo.troubles.add("the start failed");
                Runtime.getRuntime().removeShutdownHook(stop);
                demo.stop();
                System.exit(1);
                return;
            }
            List<String> gateways = List.of("http://127.0.0.1:" + ports[0], "http://127.0.0.1:" + ports[1]);
            List<String> ingest = List.of("ws://127.0.0.1:" + ports[2], "ws://127.0.0.1:" + ports[3]);
            System.out.println("gateways: " + String.join(" and ", gateways) + ", drivers' locations on " + String.join(" and ", ingest)
                    + "   (logs: " + demo.processes.logs()
                    + ", kept when the run has errors)");
            demo.watchInstances();
            Optional<String> admin = demo.security.map(RideSecurity::adminToken);
            Optional<Path> kept = admin.flatMap(token -> demo.security.map(keys -> keys.tokens().keep("admin.token", token)));
            System.out.println("dashboard: " + gateways.getFirst() + "/dashboard" + admin.map(token -> "?token=" + token
                    + "\n           (an admin's link for " + RideSecurity.ADMIN_TOKEN_LIFETIME.toHours()
                    + " h: it logs the browser in with an HttpOnly cookie; the token is also in " + kept.orElseThrow() + ")").orElse(""));
            System.out.println("metrics (Prometheus): " + demo.processes.instances().stream()
                    .map(instance -> instance.role() + " " + instance.metrics().replace("http://127.0.0.1:", ":").replace("/metrics", ""))
                    .collect(Collectors.joining(", ")) + "  (http://127.0.0.1:PORT/metrics)");
            if (admin.isPresent()) {
                System.out.println(RideApi.tryIt(gateways.getFirst()));
            } else {
                System.out.println("try:  curl -N -H 'Accept: text/event-stream' '" + gateways.getFirst()
                        + "/v1/riders/me/nearby?lat=32.08&lng=34.78'");
            }
            System.out.println("      ./natrix ls    ./natrix stats --watch    ./natrix traces --slowest    ./natrix trace ID"
                    + (url.equals("nats://127.0.0.1:" + DEFAULT_NATS_PORT) ? "" : "   (with --nats " + url + ")"));
            double speed = options.smoke() ? 150 : 12;
            double requestEvery = options.smoke() ? 2 : 60;
            simulator = new Simulator(new Simulator.Options(gateways, ingest, options.drivers(), options.riders(), requestEvery,
                    speed, options.duration()));
            demo.apps = simulator;
            // the apps start once the system answers: not on JVMs still loading and compiling
            System.out.printf("system ready: both gateways answered nearby queries and the users service after %.1f s; starting %,d drivers,"
                    + " and %,d riders once every driver has joined and drivers show in nearby answers%n", simulator.awaitReady(Duration.ofSeconds(120)).toMillis() / 1000.0,
                    options.drivers(), options.riders());
            simulator.start();
            simulator.report(System.out, System.console() != null && !options.smoke());
            if (simulator.stopped()) {
                return; // a signal stops the demo: its shutdown hook stops the rest
            }
            if (options.smoke()) {
                // errors include every error line on the apps' streams; most answers must hold drivers (a sparse
                // smoke fleet leaves a few riders with nobody near; an empty geo index would leave them all)
                Simulator.Counters seen = simulator.counters();
                boolean ok = simulator.errors() == 0 && seen.nearbyUpdates() > 0
                        && seen.nearbyWithDrivers() >= 0.8 * seen.nearbyUpdates();
                boolean completed = simulator.ridesCompleted() > 0;
                String dashboard = DashboardCheck.problem(gateways.getFirst(), admin);
                List<String> refused = ViolationsCheck.problems(demo.processes.instances());
                System.out.println(ok && completed && dashboard == null && refused.isEmpty()
                        ? "demo smoke passed: rides completed through both gateways, riders saw nearby drivers, no errors"
                        + " (error lines included), the dashboard live, no process refused anything by NATS"
                        : "demo smoke FAILED: " + simulator.summary() + (dashboard == null ? "" : "; dashboard: " + dashboard)
                        + (refused.isEmpty() ? "" : "; " + String.join("; ", refused)));
                ok &= dashboard == null && refused.isEmpty();
                if (!(ok && completed)) {
                    demo.troubles.add("the smoke run failed"); // its logs say why
                }
                simulator.close();
                Runtime.getRuntime().removeShutdownHook(stop);
                demo.stop();
                System.exit(ok && completed ? 0 : 1);
            }
        } finally {
            if (simulator != null) {
                simulator.close();
            }
        }
        Runtime.getRuntime().removeShutdownHook(stop);
        demo.stop();
    }

    /**
     * Which of the gateways' ports another program holds, said with what to do, or null when both are free. (A
     * gateway that still cannot bind fails its start, and the demo with it: no port is ever reported that the
     * demo's own gateway does not hold.)
     */
    static String takenPort(int[] ports) {
        for (int port : ports) {
            if (!UnassignedPorts.free(port)) {
                return "port " + port + " is taken (another program holds it, perhaps an earlier demo still running):"
                        + " stop that program, or start the demo on other ports with --port N (the gateways take N and"
                        + " N+1, their ingest ports N+2 and N+3; --port 0 takes any four free ports)";
            }
        }
        return null;
    }

    private String startNats(Options options) {
        if (!options.insecure()) {
            // generated on the first start, reused after: the CLI and the dashboard link keep working across runs
            security = Optional.of(RideSecurity.reuse(home()));
        }
        if (options.nats() != null) {
            return options.nats();
        }
        // on NATS's usual port when it is free, so `./natrix ls` in another terminal finds the demo with no options
        int port = options.smoke() ? 0 : options.natsPort();
        servers.addAll(security.map(keys -> NatsServerProcess.start(options.cluster(), true, port, keys.nats()))
                .orElseGet(() -> NatsServerProcess.start(options.cluster(), true, port)));
        String url = servers.stream().map(NatsServerProcess::url).collect(Collectors.joining(","));
        System.out.println("NATS: " + (options.cluster() > 1 ? options.cluster() + " clustered servers " : "") + url
                + (options.smoke() || options.natsPort() == 0 || servers.getFirst().port() == options.natsPort() ? ""
                : "   (" + options.natsPort() + " was taken: give the CLI --nats " + servers.getFirst().url() + ")"));
        System.out.println(security.map(keys -> "      TLS, a NATS user per role held to its subjects; HTTP callers need a token;"
                + " keys and certificates in " + home()).orElse("      INSECURE (--insecure): anyone who reaches the port or the gateways may do anything"));
        return url;
    }

    private void startServices(String url, int[] ports) throws Exception {
        RideProcesses.Layout layout = RideProcesses.Layout.demo(List.of(ports[0], ports[1]), List.of(ports[2], ports[3]));
        System.out.printf("starting %d service processes: %s%n", layout.processes(), layout);
        String[] jvm = {"-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dnatrix.metricsPort=0"};
        int replicas = servers.size() >= 3 ? 3 : 1;
        processes = security.isPresent() ? RideProcesses.start(url, security.get(), replicas, layout, jvm)
                : RideProcesses.start(url, replicas, layout, jvm);
    }

    /**
     * Where the demo keeps what it generates ({@code -Dnatrix.home}, which {@code ./natrix} sets to the
     * repository's {@code .natrix/}, git-ignored): NATS keys and certificates under {@code nats/}.
     */
    static Path home() {
        return Path.of(System.getProperty("natrix.home", ".natrix"));
    }

    /**
     * Says at once, in words, when an instance ends that nobody stopped: which one, and the line of its log that
     * says why. (A count of errors alone told nobody that a service had died.)
     */
    private void watchInstances() {
        Thread.ofPlatform().daemon().name("instance-watch").start(() -> {
            try {
                while (true) {
                    Thread.sleep(1_000);
                    for (RideProcesses.Instance ended : processes.ended()) {
                        String trouble = ended.name() + " ended by itself (exit code " + ended.process().exitValue()
                                + "): " + ended.why();
                        troubles.add(trouble);
                        System.out.println(System.lineSeparator() + "natrix demo: " + trouble + " (its log: " + ended.log() + ")");
                    }
                }
            } catch (InterruptedException stopping) {
                // the demo is stopping
            }
        });
    }

    /**
     * The apps, the gateways and services (gateways first), then NATS; then the logs: deleted after a run that
     * went well, kept and named when the apps saw errors, an instance ended by itself or the start failed. The
     * apps stop first and their errors are counted then, so that a Ctrl-C in the middle of a run does not count
     * the streams it closes as the run's errors.
     */
    private synchronized void stop() {
        Simulator seen = apps;
        long errors = seen == null ? 0 : seen.stopBeforeTheSystem(System.out);
        if (processes != null) {
            processes.close();
        }
        servers.forEach(NatsServerProcess::stop);
        servers.clear();
        if (processes == null) {
            return;
        }
        processes.keepLogsIf(errors > 0 || !troubles.isEmpty(), "natrix demo: ", ": "
                + (errors > 0 ? String.format("the apps saw %,d errors", errors) + (troubles.isEmpty() ? "" : "; ") : "")
                + String.join("; ", troubles), System.out);
        processes = null;
    }

    static Options parse(String... args) {
        String nats = null;
        int cluster = 1;
        int port = 8080;
        int drivers = 1000;
        int riders = 200;
        Duration duration = Duration.ofDays(1);
        boolean smoke = false;
        boolean insecure = false;
        int natsPort = DEFAULT_NATS_PORT;
        int regions = 1;
        java.nio.file.Path writeConfig = null;
        String hosts = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--nats" -> nats = args[++i];
                    case "--cluster" -> cluster = Integer.parseInt(args[++i]);
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--drivers" -> drivers = Integer.parseInt(args[++i]);
                    case "--riders" -> riders = Integer.parseInt(args[++i]);
                    case "--duration" -> duration = Duration.ofSeconds(Long.parseLong(args[++i].replace("s", "")));
                    case "--smoke" -> smoke = true;
                    case "--insecure" -> insecure = true;
                    case "--nats-port" -> natsPort = Integer.parseInt(args[++i]);
                    case "--regions" -> regions = Integer.parseInt(args[++i]);
                    case "--write-config" -> writeConfig = java.nio.file.Path.of(args[++i]);
                    case "--hosts" -> hosts = args[++i];
                    case "--help" -> throw new IllegalArgumentException("");
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            System.err.println((e.getMessage() == null || e.getMessage().isEmpty() ? "" : e.getMessage() + "\n") + USAGE);
            System.exit(args.length == 1 && args[0].equals("--help") ? 0 : 2);
        }
        if ((writeConfig != null || hosts != null) && regions != 2) {
            System.err.println("--write-config and --hosts go with --regions 2\n" + USAGE);
            System.exit(2);
        }
        if (regions < 1 || regions > 2 || regions == 2 && (nats != null || cluster != 1)) {
            System.err.println("--regions is 1 or 2 (two regions, each its own cluster: not with --nats or --cluster); got " + regions + "\n" + USAGE);
            System.exit(2);
        }
        if (smoke) {
            drivers = Math.min(drivers, 30);
            riders = Math.min(riders, 10);
            duration = duration.toDays() >= 1 ? Duration.ofSeconds(25) : duration;
        }
        return new Options(nats, cluster, port, drivers, riders, duration, smoke, natsPort, insecure, regions, writeConfig, hosts);
    }
}
