package io.natrix.ride;

import io.natrix.ride.sim.Simulator;
import io.natrix.testkit.NatsServerProcess;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code ./natrix demo}: the ride system as the talk draws it. A nats-server it owns (or three clustered, or
 * one you name), every service as separate processes (2 of each, 3 of geo), 2 gateways, and the simulator's
 * drivers and riders on both gateways. Ctrl-C stops the simulator, the gateways, the services, then NATS.
 */
public final class RideDemo {

    record Options(String nats, int cluster, int port, int drivers, int riders, Duration duration, boolean smoke) {

        /** The two gateways' ports: {@code port} and the next one, or two free ports when {@code port} is 0. */
        int[] gatewayPorts() {
            if (port != 0) {
                return new int[]{port, port + 1};
            }
            try (var a = new java.net.ServerSocket(0); var b = new java.net.ServerSocket(0)) {
                return new int[]{a.getLocalPort(), b.getLocalPort()};
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    static final String USAGE = "usage: natrix demo [--nats nats://host:4222] [--cluster 3] [--port 8080] [--drivers 1000]"
            + " [--riders 200] [--duration 600s] [--smoke]";

    private final List<Process> processes = new ArrayList<>();
    private final List<NatsServerProcess> servers = new ArrayList<>();
    private Path logs;

    public static void main(String[] args) throws Exception {
        Options options = parse(args);
        RideDemo demo = new RideDemo();
        Thread stop = Thread.ofPlatform().unstarted(demo::stop);
        Runtime.getRuntime().addShutdownHook(stop);
        Simulator simulator = null;
        try {
            String url = demo.startNats(options);
            int[] ports = options.gatewayPorts();
            demo.startServices(url, ports);
            List<String> gateways = List.of("http://127.0.0.1:" + ports[0], "http://127.0.0.1:" + ports[1]);
            System.out.println("gateways: " + String.join(" and ", gateways) + "   (logs: " + demo.logs + ")");
            System.out.println("try:  curl -N -H 'Accept: text/event-stream' '" + gateways.getFirst()
                    + "/v1/riders/me/nearby?lat=32.08&lng=34.78'");
            System.out.println("      curl -s " + gateways.getFirst() + "/health/ready");
            double speed = options.smoke() ? 150 : 12;
            double requestEvery = options.smoke() ? 2 : 60;
            simulator = new Simulator(new Simulator.Options(gateways, options.drivers(), options.riders(), requestEvery,
                    speed, options.duration()));
            simulator.start();
            simulator.report(System.out, System.console() != null && !options.smoke());
            if (options.smoke()) {
                boolean ok = simulator.errors() == 0;
                boolean completed = simulator.ridesCompleted() > 0;
                System.out.println(ok && completed ? "demo smoke passed: rides completed through both gateways, no errors"
                        : "demo smoke FAILED: " + simulator.summary());
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

    private String startNats(Options options) {
        if (options.nats() != null) {
            return options.nats();
        }
        servers.addAll(NatsServerProcess.start(options.cluster(), true));
        String url = servers.stream().map(NatsServerProcess::url).collect(Collectors.joining(","));
        System.out.println("NATS: " + (options.cluster() > 1 ? options.cluster() + " clustered servers " : "") + url);
        return url;
    }

    private void startServices(String url, int[] ports) throws Exception {
        logs = Files.createTempDirectory("natrix-demo-");
        int replicas = servers.size() >= 3 ? 3 : 1;
        List<String[]> plan = new ArrayList<>();
        for (RideRole role : List.of(RideRole.USERS, RideRole.ETA_QUICK, RideRole.ETA_CAREFUL, RideRole.DISPATCH)) {
            plan.add(new String[]{role.label(), "0"});
            plan.add(new String[]{role.label(), "0"});
        }
        for (int i = 1; i <= 3; i++) {
            plan.add(new String[]{RideRole.GEO.label(), "0"});
        }
        plan.add(new String[]{RideRole.GATEWAY.label(), Integer.toString(ports[0])});
        plan.add(new String[]{RideRole.GATEWAY.label(), Integer.toString(ports[1])});
        System.out.printf("starting %d service processes: users ×2, geo ×3, eta-quick ×2, eta-careful ×2, dispatch ×2, gateway ×2%n", plan.size());
        String java = ProcessHandle.current().info().command().orElse("java");
        try (var starting = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> ready = new ArrayList<>();
            for (String[] entry : plan) {
                List<String> command = new ArrayList<>(List.of("/usr/bin/setsid", java, "-XX:+UseSerialGC", "-Xmx256m",
                        "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                        "-Dnatrix.replicas=" + replicas,
                        "-cp", System.getProperty("java.class.path"), ServiceMain.class.getName(), entry[0], url, entry[1]));
                Path log = logs.resolve(entry[0] + "-" + (plan.indexOf(entry) + 1) + ".log");
                Process process = new ProcessBuilder(command).redirectErrorStream(false)
                        .redirectError(log.toFile()).start();
                processes.add(process);
                ready.add(starting.submit(() -> awaitReady(process, entry[0], log)));
            }
            for (Future<?> one : ready) {
                one.get(120, TimeUnit.SECONDS);
            }
        }
    }

    private static Void awaitReady(Process process, String role, Path log) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("ready")) {
            throw new IOException(role + " did not start; see " + log);
        }
        Thread.ofVirtual().start(() -> {
            try {
                while (out.readLine() != null) {
                    // drain whatever else it prints
                }
            } catch (IOException ignored) {
                // it stopped
            }
        });
        return null;
    }

    /** Gateways first (they end their streams), then the services (each drains), then NATS. */
    private synchronized void stop() {
        List<Process> gateways = processes.subList(Math.max(0, processes.size() - 2), processes.size());
        terminate(List.copyOf(gateways));
        terminate(List.copyOf(processes));
        processes.clear();
        servers.forEach(NatsServerProcess::stop);
        servers.clear();
    }

    private static void terminate(List<Process> group) {
        group.forEach(Process::destroy);
        for (Process process : group) {
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }

    static Options parse(String... args) {
        String nats = null;
        int cluster = 1;
        int port = 8080;
        int drivers = 1000;
        int riders = 200;
        Duration duration = Duration.ofDays(1);
        boolean smoke = false;
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
                    case "--help" -> throw new IllegalArgumentException("");
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            System.err.println((e.getMessage() == null || e.getMessage().isEmpty() ? "" : e.getMessage() + "\n") + USAGE);
            System.exit(args.length == 1 && args[0].equals("--help") ? 0 : 2);
        }
        if (smoke) {
            drivers = Math.min(drivers, 30);
            riders = Math.min(riders, 10);
            duration = duration.toDays() >= 1 ? Duration.ofSeconds(25) : duration;
        }
        return new Options(nats, cluster, port, drivers, riders, duration, smoke);
    }
}
