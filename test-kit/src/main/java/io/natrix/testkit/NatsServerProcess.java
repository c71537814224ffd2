package io.natrix.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One running {@code nats-server} process on free ports, with its own config file, log file and (when asked)
 * JetStream store, all removed when it stops.
 *
 * <p>The server runs in a session of its own ({@code setsid}), so a Ctrl-C in the terminal reaches only the
 * Java program, which can then drain its services before it stops the server. An {@link OrphanGuard} ends it,
 * and removes its files, if the Java program dies without stopping it (SIGKILL included). It is ready when the server on its port greets
 * a client with this start's own name: an older server still holding the port is never taken for it.
 */
public final class NatsServerProcess {

    static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final int port;
    private final int monitorPort;
    private final Path workDir;
    private final String name;
    private final boolean secured;
    private final OrphanGuard guard;
    private volatile boolean running = true;

    private final String host;

    private NatsServerProcess(Process process, String host, int port, int monitorPort, Path workDir, String name, boolean secured) {
        this.host = host;
        this.secured = secured;
        this.process = process;
        this.port = port;
        this.monitorPort = monitorPort;
        this.workDir = workDir;
        this.name = name;
        this.guard = OrphanGuard.watch(process.pid(), workDir);
    }

    /**
     * A cluster's JetStream answers only once its servers have elected a meta leader, a second or two after
     * each one greets: until then creating a stream times out. Ready means JetStream answers and its leader sees
     * every server current ({@link #awaitMetaGroup}).
     */
    static void awaitJetStreamLeader(List<NatsServerProcess> cluster, Optional<NatsSecurity> security)
            throws IOException {
        awaitJetStreamLeader(cluster, security, READY_TIMEOUT);
    }

    /**
     * Until JetStream's meta group has one leader over all {@code servers} (a cluster, or a supercluster's every
     * region) that sees every other server online and current: before that the leader answers, but refuses to place
     * a stream with a copy on a server it has not heard from yet ("no suitable peers for placement", seen when a
     * test provisioned three replicas on a cluster that had just elected its leader).
     */
    private static void awaitMetaGroup(List<NatsServerProcess> servers) throws IOException {
        // one meta leader, the same for every server, over them all (not one per region), that sees every other
        // server online (/jsz on the leader lists its peers, "offline" until it has heard from them)
        long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Pattern leader = Pattern.compile("\"leader\":\\s*\"([^\"]*)\"");
        Pattern size = Pattern.compile("\"cluster_size\":\\s*(\\d+)");
        Set<String> leaders = Set.of();
        Pattern current = Pattern.compile("\"current\":\\s*true");
        boolean whole = false;
        String leaderView = "none"; // the meta group as the leader last listed it: what a failure says
        while (System.nanoTime() < giveUp) {
            leaders = new TreeSet<>();
            whole = true;
            int peersOnline = 0; // as the leader sees them: until then it refuses to place a stream on the "offline" ones
            for (NatsServerProcess server : servers) {
                String jsz = server.monitor("/jsz");
                String metaCluster = jsz.substring(Math.max(0, jsz.indexOf("\"meta_cluster\"")));
                Matcher named = leader.matcher(metaCluster);
                Matcher sized = size.matcher(metaCluster);
                if (jsz.contains("\"meta_cluster\"") && named.find() && sized.find()) {
                    leaders.add(named.group(1));
                    whole &= Integer.parseInt(sized.group(1)) == servers.size();
                    if (metaCluster.contains("\"replicas\"")) {
                        leaderView = metaCluster.replaceAll("\\s+", " ");
                        if (!metaCluster.contains("\"offline\": true")) {
                            peersOnline = Math.max(peersOnline, (int) current.matcher(metaCluster).results().count());
                        }
                    }
                } else {
                    whole = false;
                }
            }
            if (whole && leaders.size() == 1 && peersOnline == servers.size() - 1) {
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        throw new IOException("JetStream did not settle on one meta leader over all " + servers.size() + " servers, seeing"
                + " every other online, within 20 s; leaders seen: " + leaders + (whole ? "" : "; not every server"
                + " counts them all in its meta group") + "; the leader's last view: "
                + leaderView.substring(0, Math.min(leaderView.length(), 600)));
    }

    /** The same, waiting up to {@code timeout}. */
    static void awaitJetStreamLeader(List<NatsServerProcess> cluster, Optional<NatsSecurity> security, java.time.Duration timeout)
            throws IOException {
        String urls = String.join(",", cluster.stream().map(NatsServerProcess::url).toList());
        long giveUp = System.nanoTime() + timeout.toNanos();
        io.nats.client.Options.Builder builder = new io.nats.client.Options.Builder().servers(urls.split(","))
                .connectionTimeout(java.time.Duration.ofSeconds(2));
        if (security.isPresent()) {
            security.get().asAdmin(builder);
        }
        io.nats.client.Options options = builder.build();
        String last = "no answer";
        try (io.nats.client.Connection connection = io.nats.client.Nats.connect(options)) {
            while (System.nanoTime() < giveUp) {
                try {
                    connection.jetStreamManagement().getAccountStatistics();
                    awaitMetaGroup(cluster);
                    return;
                } catch (IOException | io.nats.client.JetStreamApiException notYet) {
                    last = notYet.getMessage();
                    Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the cluster elected its JetStream leader");
        }
        throw new IOException("the cluster's JetStream had no leader within " + timeout.toSeconds() + " s: " + last);
    }

    /**
     * Starts {@code count} servers on free ports, clustered when more than one, each with its own JetStream
     * store if asked. Outside tests (a demo, a benchmark) this is how a program owns its NATS; stop each one.
     */
    public static List<NatsServerProcess> start(int count, boolean jetStream) {
        return start(count, jetStream, 0);
    }

    /**
     * As {@link #start(int, boolean)}, the first server on {@code preferredPort} when that port is free (0: any
     * free port), so that tools in another terminal find it at a known address.
     */
    public static List<NatsServerProcess> start(int count, boolean jetStream, int preferredPort) {
        return start(count, jetStream, preferredPort, Optional.empty());
    }

    /**
     * As {@link #start(int, boolean, int)}, secured: TLS only (a plaintext client is refused), every client
     * authenticated as one of {@code security}'s users and held to its permissions, routes authenticated and over
     * TLS. {@link #url()} is then a {@code tls://} address.
     */
    public static List<NatsServerProcess> start(int count, boolean jetStream, int preferredPort, NatsSecurity security) {
        return start(count, jetStream, preferredPort, Optional.of(security));
    }

    private static List<NatsServerProcess> start(int count, boolean jetStream, int preferredPort, Optional<NatsSecurity> security) {
        String executable = NatsServerBinary.find();
        List<NatsServerProcess> started = new ArrayList<>();
        try {
            int[] ports = UnassignedPorts.choose(count * 3); // client ports, cluster route ports, monitoring ports
            if (preferredPort > 0 && UnassignedPorts.free(preferredPort) && java.util.Arrays.stream(ports).noneMatch(p -> p == preferredPort)) {
                ports[0] = preferredPort;
            }
            for (int i = 0; i < count; i++) {
                // unique to this start, so readiness is checked against this server and not whatever holds the port
                String name = "natrix-" + i + "-" + ports[i] + "-" + ProcessHandle.current().pid() + "-"
                        + Long.toHexString(System.nanoTime());
                started.add(launch(executable, config(i, name, count, ports, jetStream, security), ports[i],
                        ports[2 * count + i], name, security.isPresent()));
            }
            for (NatsServerProcess server : started) {
                server.awaitReady();
            }
            if (jetStream && count > 1) {
                awaitJetStreamLeader(started, security);
            }
            return List.copyOf(started);
        } catch (IOException e) {
            started.forEach(NatsServerProcess::stop);
            throw new UncheckedIOException("could not start nats-server (" + executable + "): " + e.getMessage(), e);
        }
    }

    /** Every server's first lines: its client port and name, its monitoring port, how it finds a dead client. */
    static List<String> serverLines(String name, int port, int monitorPort) {
        return serverLines(name, "127.0.0.1", port, monitorPort);
    }

    /** The same on {@code host}. */
    static List<String> serverLines(String name, String host, int port, int monitorPort) {
        return List.of(
                "listen: " + host + ":" + port,
                "server_name: " + name,
                // the monitoring endpoints (/varz, /connz, /jsz): who is connected, since when
                "http: " + host + ":" + monitorPort,
                // a client that stops answering pings (a stalled or partitioned process) is dropped within about
                // 4 s, instead of the default 4 minutes during which requests would keep going to it
                "ping_interval: \"2s\"",
                "ping_max: 2");
    }

    /** Client ports first, then cluster route ports, then monitoring ports. */
    private static List<String> config(int index, String name, int count, int[] ports, boolean jetStream,
                                       Optional<NatsSecurity> security) {
        List<String> config = new ArrayList<>(serverLines(name, ports[index], ports[2 * count + index]));
        security.ifPresent(secured -> config.addAll(secured.serverConfig()));
        if (count > 1) {
            config.add("cluster {");
            config.add("  name: natrix");
            config.add("  listen: 127.0.0.1:" + ports[count + index]);
            security.ifPresent(secured -> config.addAll(secured.clusterConfig()));
            config.add("  routes: [");
            for (int j = 0; j < count; j++) {
                if (j != index) {
                    int route = ports[count + j];
                    config.add("    " + security.map(secured -> secured.route(route)).orElse("nats-route://127.0.0.1:" + route));
                }
            }
            config.add("  ]");
            config.add("}");
        }
        if (jetStream) {
            config.add("jetstream { store_dir: \"%STORE%\" }");
        }
        return config;
    }

    static NatsServerProcess launch(String executable, List<String> config, int port, int monitorPort, String name,
                                    boolean secured) throws IOException {
        return launch(executable, config, "127.0.0.1", port, monitorPort, name, secured);
    }

    /** Starts a server of {@code config}, which listens on {@code host}'s {@code port}. */
    static NatsServerProcess launch(String executable, List<String> config, String host, int port, int monitorPort, String name,
                                            boolean secured) throws IOException {
        Path workDir = Files.createTempDirectory("natrix-nats-" + port + "-");
        Path configFile = workDir.resolve("nats-server.conf");
        Files.write(configFile, config.stream().map(line -> line.replace("%STORE%", workDir.resolve("jetstream").toString())).toList());
        // not a group leader, so setsid execs in place: same pid
        List<String> command = OrphanGuard.inSessionOfItsOwn(executable, "--config", configFile.toString());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("nats-server.log").toFile())
                .start();
        return new NatsServerProcess(process, host, port, monitorPort, workDir, name, secured);
    }

    /**
     * Waits until this server greets a client with its INFO line (its own name in it), or fails with the end of
     * its log: a port another server holds makes this one exit, and that is reported, never the other taken for it.
     */
    void awaitReady() throws IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String log = logTail();
                throw new IOException("nats-server on port " + port + " exited with " + process.exitValue() + ": " + log
                        + (log.contains("address already in use")
                        ? " (port " + port + " is taken: stop what holds it, or choose another port)" : ""));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 1000);
                socket.setSoTimeout(1000);
                String greeting = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8)).readLine();
                if (greeting != null && greeting.startsWith("INFO") && greeting.contains("\"server_name\":\"" + name + "\"")) {
                    return;
                }
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // another server: ours is still starting, or failed
            } catch (IOException notYet) {
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            }
        }
        throw new IOException("nats-server on port " + port + " was not ready within " + READY_TIMEOUT.toSeconds()
                + " s: " + logTail());
    }

    /** {@code nats://127.0.0.1:<port>}, or {@code tls://127.0.0.1:<port>} when secured (its host when not loopback's first). */
    public String url() {
        return (secured ? "tls" : "nats") + "://" + host + ":" + port;
    }

    /** The client port. */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}: the server's monitoring endpoints ({@code /varz}, {@code /connz}, {@code /jsz}). */
    public String monitorUrl() {
        return "http://" + host + ":" + monitorPort;
    }

    /**
     * One of the server's monitoring endpoints, read now: {@code monitor("/varz")}, {@code "/gatewayz"},
     * {@code "/leafz"}, {@code "/connz"}, {@code "/jsz"} (JSON).
     */
    public String monitor(String endpoint) {
        try (java.io.InputStream in = java.net.URI.create(monitorUrl() + endpoint).toURL().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + endpoint + " of " + this + ": " + e.getMessage(), e);
        }
    }

    /** The operating system's process id of the server. */
    public long pid() {
        return process.pid();
    }

    /** Whether this server has not been stopped and its process is alive. */
    public boolean running() {
        return running && process.isAlive();
    }

    /** Stops the server gracefully (SIGTERM, waiting up to 5 s, then SIGKILL) and removes its files. Idempotent. */
    public void stop() {
        end(false);
    }

    /** Kills the server at once (SIGKILL), as a crash would, and removes its files. Idempotent. */
    public void kill() {
        end(true);
    }

    /**
     * Freezes the server (SIGSTOP): its connections stay open and nothing answers on them, as when its host
     * stops without closing anything. {@link #resume()} lets it go on.
     */
    public void freeze() {
        signal("-STOP");
    }

    /** Lets a frozen server go on (SIGCONT). */
    public void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            if (new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling nats-server", e);
        }
    }

    private void end(boolean forcibly) {
        if (!running) {
            return;
        }
        running = false;
        try {
            if (forcibly) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            guard.close();
            deleteWorkDir();
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(workDir.resolve("nats-server.log"));
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void deleteWorkDir() {
        Folders.deleteOrSay(workDir, "nats-server on port " + port); // a folder left behind fails nothing
    }

    @Override
    public String toString() {
        return "nats-server " + url() + " (pid " + process.pid() + (running() ? "" : ", stopped") + ")";
    }
}
