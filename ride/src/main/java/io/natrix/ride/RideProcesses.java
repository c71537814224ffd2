package io.natrix.ride;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The ride system as separate processes, one per service instance, each started with {@code ServiceMain} on
 * this JVM's class path and stopped gateways first (they end their streams), then the services (each drains).
 */
public final class RideProcesses implements AutoCloseable {

    /** How many instances of each service; a gateway per port. */
    public record Layout(int users, int geo, int etaQuick, int etaCareful, int dispatch, List<Integer> gatewayPorts) {

        /** The demo's: 2 of every service, 3 of geo. */
        public static Layout demo(List<Integer> gatewayPorts) {
            return new Layout(2, 3, 2, 2, 2, gatewayPorts);
        }

        public int processes() {
            return users + geo + etaQuick + etaCareful + dispatch + gatewayPorts.size();
        }

        @Override
        public String toString() {
            return String.format("users ×%d, geo ×%d, eta-quick ×%d, eta-careful ×%d, dispatch ×%d, gateway ×%d",
                    users, geo, etaQuick, etaCareful, dispatch, gatewayPorts.size());
        }
    }

    /** One running instance. */
    public record Instance(String role, Process process) {
    }

    private final List<Instance> services = new ArrayList<>();
    private final List<Instance> gateways = new ArrayList<>();
    private final Path logs;

    private RideProcesses(Path logs) {
        this.logs = logs;
    }

    /**
     * Starts every instance of {@code layout} on {@code natsUrl} and returns once each one says it serves.
     * {@code replicas} is the JetStream replica count of the streams and buckets the services create.
     */
    public static RideProcesses start(String natsUrl, int replicas, Layout layout, String... jvmOptions) throws Exception {
        RideProcesses system = new RideProcesses(Files.createTempDirectory("natrix-ride-"));
        try {
            system.launch(natsUrl, replicas, layout, List.of(jvmOptions));
            return system;
        } catch (Exception e) {
            system.close();
            throw e;
        }
    }

    private void launch(String url, int replicas, Layout layout, List<String> jvmOptions) throws Exception {
        List<String[]> plan = new ArrayList<>();
        add(plan, RideRole.USERS, layout.users());
        add(plan, RideRole.ETA_QUICK, layout.etaQuick());
        add(plan, RideRole.ETA_CAREFUL, layout.etaCareful());
        add(plan, RideRole.DISPATCH, layout.dispatch());
        add(plan, RideRole.GEO, layout.geo());
        for (int port : layout.gatewayPorts()) {
            plan.add(new String[]{RideRole.GATEWAY.label(), Integer.toString(port)});
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        try (var starting = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> ready = new ArrayList<>();
            for (int i = 0; i < plan.size(); i++) {
                String[] entry = plan.get(i);
                List<String> command = new ArrayList<>(List.of("/usr/bin/setsid", java));
                command.addAll(jvmOptions);
                command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Dnatrix.replicas=" + replicas,
                        "-cp", System.getProperty("java.class.path"), ServiceMain.class.getName(), entry[0], url, entry[1]));
                Path log = logs.resolve(entry[0] + "-" + (i + 1) + ".log");
                Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
                Instance instance = new Instance(entry[0], process);
                (RideRole.of(entry[0]) == RideRole.GATEWAY ? gateways : services).add(instance);
                ready.add(starting.submit(() -> awaitReady(process, entry[0], log)));
            }
            for (Future<?> one : ready) {
                one.get(120, TimeUnit.SECONDS);
            }
        }
    }

    private static void add(List<String[]> plan, RideRole role, int count) {
        for (int i = 0; i < count; i++) {
            plan.add(new String[]{role.label(), "0"});
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

    /** Where each instance writes its log. */
    public Path logs() {
        return logs;
    }

    /** Every running instance, gateways last. */
    public synchronized List<Instance> instances() {
        List<Instance> all = new ArrayList<>(services);
        all.addAll(gateways);
        return all;
    }

    /** Gateways first (they end their streams), then the services (each drains). */
    @Override
    public synchronized void close() {
        terminate(gateways);
        terminate(services);
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
        group.clear();
    }
}
