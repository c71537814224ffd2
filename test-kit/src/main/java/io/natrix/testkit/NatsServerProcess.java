package io.natrix.testkit;

import io.nats.NatsRunnerUtils;
import io.nats.NatsServerRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * One running {@code nats-server}, started through jnats-server-runner with short start-up checks (the
 * runner's defaults wait over two seconds per server; a local server is ready in tens of milliseconds).
 */
public final class NatsServerProcess {

    private final NatsServerRunner runner;
    private final Path storeDir;
    private volatile boolean running = true;

    private NatsServerProcess(NatsServerRunner runner, Path storeDir) {
        this.runner = runner;
        this.storeDir = storeDir;
    }

    /** Starts {@code count} servers, clustered when more than one. */
    static List<NatsServerProcess> start(int count, boolean jetStream) {
        String executable = NatsServerBinary.find();
        List<NatsServerProcess> started = new ArrayList<>();
        try {
            int[] ports = freePorts(count);
            int[] routePorts = count > 1 ? freePorts(count) : new int[0];
            for (int i = 0; i < count; i++) {
                Path storeDir = jetStream ? Files.createTempDirectory("natrix-js-") : null;
                List<String> config = new ArrayList<>();
                config.add("port: " + ports[i]);
                config.add("server_name: natrix-" + i + "-" + ports[i]);
                if (count > 1) {
                    config.add("cluster {");
                    config.add("  name: natrix");
                    config.add("  listen: 127.0.0.1:" + routePorts[i]);
                    config.add("  routes: [");
                    for (int j = 0; j < count; j++) {
                        if (j != i) {
                            config.add("    nats-route://127.0.0.1:" + routePorts[j]);
                        }
                    }
                    config.add("  ]");
                    config.add("}");
                }
                if (storeDir != null) {
                    config.add("jetstream { store_dir: \"" + storeDir + "\" }");
                }
                NatsServerRunner runner = NatsServerRunner.builder()
                        .executablePath(executable)
                        .port(ports[i])
                        .configInserts(config)
                        .outputLevel(Level.SEVERE)
                        .processCheckWait(10L)
                        .processCheckTries(500)
                        .connectValidateInitialDelay(10L)
                        .connectValidateSubsequentDelay(20L)
                        .connectValidateTries(250)
                        .build();
                started.add(new NatsServerProcess(runner, storeDir));
            }
            return List.copyOf(started);
        } catch (IOException e) {
            started.forEach(NatsServerProcess::stop);
            throw new UncheckedIOException("could not start nats-server (" + executable + "): " + e.getMessage(), e);
        }
    }

    /** {@code nats://127.0.0.1:<port>}. */
    public String url() {
        return runner.getURI();
    }

    /** The client port. */
    public int port() {
        return runner.getPort();
    }

    /** Whether this server has not been stopped. */
    public boolean running() {
        return running;
    }

    /** Stops the server (SIGTERM, then waits) and removes its JetStream store. Idempotent. */
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            runner.shutdown(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteStore();
        }
    }

    private static int[] freePorts(int count) throws IOException {
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            int port;
            do {
                port = NatsRunnerUtils.nextPort();
            } while (contains(ports, port));
            ports[i] = port;
        }
        return ports;
    }

    private static boolean contains(int[] ports, int port) {
        for (int p : ports) {
            if (p == port) {
                return true;
            }
        }
        return false;
    }

    private void deleteStore() {
        if (storeDir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(storeDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is not worth failing a test for
        }
    }

    @Override
    public String toString() {
        return "nats-server " + url() + (running ? "" : " (stopped)");
    }
}
