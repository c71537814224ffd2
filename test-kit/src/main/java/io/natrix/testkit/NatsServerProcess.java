package io.natrix.testkit;

import io.nats.LoggingOutput;
import io.nats.NatsRunnerUtils;
import io.nats.NatsServerRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * One running {@code nats-server}, started through jnats-server-runner. Readiness is checked here, not by the
 * runner: its check waits for a second protocol line that only comes when the server drops the half-open
 * connection after its two-second authentication timeout, while a local server is ready in milliseconds.
 */
public final class NatsServerProcess {

    private final NatsServerRunner runner;
    private final Path storeDir;
    private volatile boolean running = true;

    private NatsServerProcess(NatsServerRunner runner, Path storeDir) {
        this.runner = runner;
        this.storeDir = storeDir;
    }

    /**
     * Starts {@code count} servers on free ports, clustered when more than one, each with its own JetStream
     * store if asked. Outside tests (a demo, a benchmark) this is how a program owns its NATS; stop each one.
     */
    public static List<NatsServerProcess> start(int count, boolean jetStream) {
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
                        .output(new LoggingOutput(Logger.getLogger(NatsServerProcess.class.getName())))
                        .outputLevel(Level.SEVERE) // the server's own log and the runner's chatter stay quiet
                        .processCheckWait(10L)
                        .processCheckTries(500)
                        .skipConnectValidate()
                        .build();
                started.add(new NatsServerProcess(runner, storeDir));
                awaitInfo(ports[i]);
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

    /** Waits until the server greets a client with its INFO line. */
    private static void awaitInfo(int port) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                socket.setSoTimeout(1000);
                byte[] greeting = new byte[4];
                if (socket.getInputStream().readNBytes(greeting, 0, 4) == 4
                        && new String(greeting, StandardCharsets.US_ASCII).equals("INFO")) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        throw new IOException("nats-server on port " + port + " did not become ready within 10 s", last);
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
