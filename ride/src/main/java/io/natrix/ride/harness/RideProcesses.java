package io.natrix.ride.harness;

import io.natrix.ride.ServiceMain;
import io.natrix.ride.RideStorage;
import io.natrix.ride.RideRole;
import io.natrix.ride.RideSecurity;
import io.natrix.ride.geo.GeoRegions;
import io.natrix.Natrix;
import io.natrix.testkit.Folders;
import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.OrphanGuard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The ride system as separate processes, one per service instance, each started with {@code ServiceMain} on
 * this JVM's class path and stopped gateways first (they end their streams), then the services (each drains).
 */
public final class RideProcesses implements AutoCloseable {

    /**
     * How many instances of each service; a gateway per port. {@code ingestPorts}, when not empty, gives each
     * gateway (in the order of {@code gatewayPorts}) an event-loop ingest port for its location WebSockets
     * ({@code Gateway.Builder#ingestPort}), kept across its restarts.
     */
    public record Layout(int users, int geo, int etaQuick, int etaCareful, int dispatch, int dashboard,
                         List<Integer> gatewayPorts, List<Integer> ingestPorts) {

        public Layout {
            gatewayPorts = List.copyOf(gatewayPorts);
            ingestPorts = List.copyOf(ingestPorts);
            if (!ingestPorts.isEmpty() && ingestPorts.size() != gatewayPorts.size()) {
                throw new IllegalArgumentException("an ingest port per gateway, or none: " + gatewayPorts + " and " + ingestPorts);
            }
        }

        /** Gateways without ingest ports. */
        public Layout(int users, int geo, int etaQuick, int etaCareful, int dispatch, int dashboard, List<Integer> gatewayPorts) {
            this(users, geo, etaQuick, etaCareful, dispatch, dashboard, gatewayPorts, List.of());
        }

        /** The demo's: 2 of every service, 3 of geo, the one dashboard; each gateway with its ingest port. */
        public static Layout demo(List<Integer> gatewayPorts, List<Integer> ingestPorts) {
            return new Layout(2, 3, 2, 2, 2, 1, gatewayPorts, ingestPorts);
        }

        public int processes() {
            return users + geo + etaQuick + etaCareful + dispatch + dashboard + gatewayPorts.size();
        }

        @Override
        public String toString() {
            return String.format("users ×%d, geo ×%d, eta-quick ×%d, eta-careful ×%d, dispatch ×%d, dashboard ×%d, gateway ×%d",
                    users, geo, etaQuick, etaCareful, dispatch, dashboard, gatewayPorts.size());
        }
    }

    /**
     * One running instance; {@code port} is the gateway's (0 for services), {@code metrics} the address of its
     * Prometheus metrics (empty unless started with {@code -Dnatrix.metricsPort}), {@code ingestPort} a gateway's
     * event-loop ingest port (0: none), {@code log} where it writes.
     */
    public record Instance(String role, int port, int ingestPort, Process process, String metrics, Path log) {

        public boolean gateway() {
            return RideRole.of(role) == RideRole.GATEWAY;
        }

        /** {@code dispatch (pid 4242)}. */
        public String name() {
            return role + " (pid " + process.pid() + ")";
        }

        /** Why it ended, from its log: its first exception, or its last line. */
        public String why() {
            return RideProcesses.why(log);
        }
    }

    private final List<Instance> services = new ArrayList<>();
    private final List<Instance> gateways = new ArrayList<>();
    private final Path logs;
    /**
     * The instances' {@code java.io.tmpdir}: what they unpack there (H3's native library, in every geo instance
     * and gateway) is removed on a normal exit only, so an instance killed with SIGKILL left its copy in /tmp.
     * Removed with the instances ({@link #close()}), or after this JVM if it is killed.
     */
    private final Path scratch;
    private final OrphanGuard scratchGuard;
    private String url;
    private List<String> jvmOptions = List.of();
    private Optional<RideSecurity> security = Optional.empty();
    private Optional<GeoRegions> regions = Optional.empty();
    private int launched;

    private RideProcesses(Path logs) throws IOException {
        this.logs = logs;
        this.scratch = Files.createTempDirectory("natrix-scratch-");
        this.scratchGuard = OrphanGuard.removeAfterDeath(scratch);
    }

    /**
     * Provisions the ride system's storage ({@link RideStorage}, {@code replicas} copies), then starts every
     * instance of {@code layout} on {@code natsUrl} and returns once each one says it serves.
     */
    public static RideProcesses start(String natsUrl, int replicas, Layout layout, String... jvmOptions) throws Exception {
        return start(natsUrl, Optional.empty(), replicas, layout, jvmOptions);
    }

    /**
     * As {@link #start(String, int, Layout, String...)}, secured: each instance connects to NATS as its role's
     * own user over TLS ({@code security} holds a seed per role, see {@code RidePermissions.users()}), users
     * mints bearer tokens and the gateways require them.
     */
    public static RideProcesses start(String natsUrl, RideSecurity security, int replicas, Layout layout, String... jvmOptions)
            throws Exception {
        return start(natsUrl, Optional.of(security), replicas, layout, jvmOptions);
    }

    private static RideProcesses start(String natsUrl, Optional<RideSecurity> security, int replicas, Layout layout,
                                       String... jvmOptions) throws Exception {
        return start(natsUrl, security, Optional.empty(), replicas, layout, jvmOptions);
    }

    /**
     * As {@link #start(String, int, Layout, String...)}, secured when {@code security} is given, the geo service
     * sharded by {@code regions} when they are ({@link GeoRegions}): every instance is told them, and the fleet is
     * provisioned a stream per region. Each instance's own region is among {@code jvmOptions}
     * ({@code -Dnatrix.region}).
     */
    public static RideProcesses start(String natsUrl, Optional<RideSecurity> security, Optional<GeoRegions> regions, int replicas,
                                      Layout layout, String... jvmOptions) throws Exception {
        RideProcesses system = new RideProcesses(Files.createTempDirectory("natrix-ride-"));
        system.security = security;
        system.regions = regions;
        List<String> options = new ArrayList<>(List.of(jvmOptions));
        regions.ifPresent(shards -> options.add("-Dnatrix.geo.regions=" + shards));
        // a JVM that ends while the instances start (a Ctrl-C during a demo's start) stops those already started
        // at once and says where their logs are: a start that hung is what they explain
        Thread cutShort = Thread.ofPlatform().unstarted(() -> {
            system.close();
            System.out.println("natrix: the ride system's start was cut short; its logs are kept in " + system.logs());
        });
        Runtime.getRuntime().addShutdownHook(cutShort);
        try {
            system.launch(natsUrl, replicas, layout, options);
            return system;
        } catch (Exception e) {
            system.close();
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cutShort);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs
            }
        }
    }

    private void launch(String url, int replicas, Layout layout, List<String> jvmOptions) throws Exception {
        this.url = url;
        this.jvmOptions = jvmOptions;
        if (layout.processes() > layout.gatewayPorts().size()) {
            provision(url, replicas);
        }
        List<String[]> plan = new ArrayList<>();
        add(plan, RideRole.USERS, layout.users());
        add(plan, RideRole.ETA_QUICK, layout.etaQuick());
        add(plan, RideRole.ETA_CAREFUL, layout.etaCareful());
        add(plan, RideRole.DISPATCH, layout.dispatch());
        add(plan, RideRole.GEO, layout.geo());
        add(plan, RideRole.DASHBOARD, layout.dashboard());
        for (int i = 0; i < layout.gatewayPorts().size(); i++) {
            plan.add(new String[]{RideRole.GATEWAY.label(), Integer.toString(layout.gatewayPorts().get(i)),
                    layout.ingestPorts().isEmpty() ? "0" : Integer.toString(layout.ingestPorts().get(i))});
        }
        try (var starting = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Instance>> ready = new ArrayList<>();
            for (String[] entry : plan) {
                ready.add(starting.submit(() -> launchOne(entry[0], Integer.parseInt(entry[1]), Integer.parseInt(entry[2]))));
            }
            for (Future<Instance> one : ready) {
                one.get(120, TimeUnit.SECONDS);
            }
        }
    }

    /** The ride system's streams and buckets, as the admin (on a secured NATS no service may make them); gateways need none. */
    private void provision(String url, int replicas) throws Exception {
        // as the admin: on a secured NATS no service may create, change or delete a stream or bucket
        Natrix.Builder provisioner = Natrix.builder().servers(url).connectionName("natrix-provision").shutdownHook(false);
        security.map(RideSecurity::nats).ifPresent(nats -> provisioner.credentials(nats.seed(NatsSecurity.ADMIN)).trust(nats.ca()));
        try (Natrix admin = provisioner.connect()) {
            RideStorage.provision(admin.nats(), replicas, regions);
        }
    }

    /** Starts one instance and returns once it says it serves; a gateway with an ingest port unless it is 0. */
    private Instance launchOne(String role, int port, int ingestPort) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of("/usr/bin/setsid", java));
        command.addAll(jvmOptions);
        // -Dnatrix.exitWithParent: the instance watches its stdin, a pipe only this JVM holds, and stops itself
        // when it closes, so a parent killed by any means (SIGKILL included) leaves no instance behind
        security.ifPresent(keys -> command.addAll(keys.jvmOptions(role)));
        if (ingestPort != 0) {
            command.add("-Dnatrix.ingestPort=" + ingestPort);
        }
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Dnatrix.exitWithParent=true", "-Djava.io.tmpdir=" + scratch,
                "-cp", System.getProperty("java.class.path"), ServiceMain.class.getName(), role, url, Integer.toString(port)));
        Path log;
        synchronized (this) {
            log = logs.resolve(role + "-" + (++launched) + ".log");
        }
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        Instance starting = new Instance(role, port, ingestPort, process, "", log);
        synchronized (this) {
            (starting.gateway() ? gateways : services).add(starting);
        }
        String ready = awaitReady(process, role, log);
        int metrics = ready.indexOf(" metrics ");
        if (metrics < 0) {
            return starting;
        }
        Instance instance = new Instance(role, port, ingestPort, process, ready.substring(metrics + " metrics ".length()).trim(), log);
        synchronized (this) {
            List<Instance> group = instance.gateway() ? gateways : services;
            group.set(group.indexOf(starting), instance);
        }
        return instance;
    }

    /** A graceful restart: SIGTERM (the instance drains), wait for it to end, start a new one and wait until it serves. */
    public Instance restart(Instance instance) throws IOException, InterruptedException {
        stop(instance);
        return launchOne(instance.role(), instance.port(), instance.ingestPort());
    }

    /** A graceful stop (SIGTERM: the instance drains what it took), waiting for it to end; {@link #replace} starts another. */
    public void stop(Instance instance) throws InterruptedException {
        forget(instance);
        instance.process().destroy();
        if (!instance.process().waitFor(20, TimeUnit.SECONDS)) {
            instance.process().destroyForcibly();
        }
    }

    /** kill -9: the instance ends at once, whatever it held. */
    public void kill(Instance instance) throws InterruptedException {
        forget(instance);
        instance.process().destroyForcibly();
        instance.process().waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts a new instance of the role (after a kill), returning once it serves. */
    public Instance replace(Instance killed) throws IOException {
        return launchOne(killed.role(), killed.port(), killed.ingestPort());
    }

    /** Freezes the process (SIGSTOP): its connection stalls as in a network partition. */
    public void pause(Instance instance) throws IOException, InterruptedException {
        signal(instance, "-STOP");
    }

    /** Lets a paused process go on (SIGCONT). */
    public void resume(Instance instance) throws IOException, InterruptedException {
        signal(instance, "-CONT");
    }

    private static void signal(Instance instance, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(instance.process().pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill " + signal + " " + instance.process().pid() + " failed");
        }
    }

    private synchronized void forget(Instance instance) {
        services.remove(instance);
        gateways.remove(instance);
    }

    private static void add(List<String[]> plan, RideRole role, int count) {
        for (int i = 0; i < count; i++) {
            plan.add(new String[]{role.label(), "0", "0"});
        }
    }

    /** Waits for the instance's {@code ready} line and returns it. */
    private static String awaitReady(Process process, String role, Path log) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("ready")) {
            throw new IOException(role + " did not start: " + why(log) + " (its log: " + log + ")");
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
        return line;
    }

    /** The line of an instance's log that says why it failed: the first exception, or its last line. */
    static String why(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.stream().filter(l -> l.contains("Exception") || l.contains("Error")).findFirst()
                    .or(() -> lines.stream().filter(l -> !l.isBlank()).reduce((a, b) -> b)).orElse("it printed nothing").trim();
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Where each instance writes its log. */
    public Path logs() {
        return logs;
    }

    /**
     * Instances that ended without being told to (a crash, an out-of-memory kill, a kill -9 from outside); each
     * is reported once, then forgotten.
     */
    public synchronized List<Instance> ended() {
        List<Instance> ended = instances().stream().filter(instance -> !instance.process().isAlive()).toList();
        ended.forEach(this::forget);
        return ended;
    }

    /**
     * After {@link #close()}: keeps the instances' logs when {@code keep} and says where ({@code <prefix>logs kept
     * in DIR<reason>}), for a run that went wrong; deletes them otherwise, saying so only when that fails.
     */
    public void keepLogsIf(boolean keep, String prefix, String reason, PrintStream out) {
        if (keep) {
            out.println(prefix + "logs kept in " + logs + reason);
            return;
        }
        try {
            deleteLogs();
        } catch (IOException e) {
            out.println(prefix + "could not delete the logs in " + logs + ": " + e.getMessage());
        }
    }

    /** Deletes every instance's log: for a run that went well. Call after {@link #close()}. */
    public void deleteLogs() throws IOException {
        Folders.delete(logs);
    }

    /** Every running instance, gateways last. */
    public synchronized List<Instance> instances() {
        List<Instance> all = new ArrayList<>(services);
        all.addAll(gateways);
        return all;
    }

    /** Gateways first (they end their streams), then the services (each drains). */
    @Override
    public void close() {
        List<Instance> edge;
        List<Instance> rest;
        synchronized (this) {
            edge = new ArrayList<>(gateways);
            rest = new ArrayList<>(services);
            gateways.clear();
            services.clear();
        }
        terminate(edge);
        terminate(rest);
        Folders.deleteOrSay(scratch, "natrix");
        scratchGuard.close();
    }

    private static void terminate(List<Instance> group) {
        group.forEach(instance -> instance.process().destroy());
        for (Instance instance : group) {
            try {
                if (!instance.process().waitFor(15, TimeUnit.SECONDS)) {
                    instance.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                instance.process().destroyForcibly();
            }
        }
    }
}
