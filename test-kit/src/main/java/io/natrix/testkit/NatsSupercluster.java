package io.natrix.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Regions of real {@code nats-server} processes on loopback: each region a cluster of its own servers, the
 * regions joined by gateways into one supercluster, and optionally a leaf node (a city's edge) attached to
 * one region's servers. What NATS gives for free then holds across regions: a request to a queue group is
 * served in the caller's region while one of its members is there, and by another region's when none is;
 * a subject's messages cross a gateway only where the other side listens.
 *
 * <pre>{@code
 * try (NatsSupercluster world = NatsSupercluster.start(List.of("east", "west"), 2, Optional.of("east"), true, Optional.empty())) {
 *     Natrix.builder().servers(world.servers("east"))...   // a client of region east
 *     world.region("west").forEach(NatsServerProcess::kill);  // region west lost
 *     world.restart("west");                          // and back, with its JetStream stores
 * }
 * }</pre>
 *
 * <p>Gateways and leaf nodes together need a system account, so the users live in an application account
 * ({@link NatsSecurity#APPLICATION_ACCOUNT}); an open supercluster lets clients in without credentials as that
 * account's user. Every configuration is checked by {@code nats-server -t} before it starts.
 */
public final class NatsSupercluster implements AutoCloseable {

    /** The leaf node's name among the regions' names ({@link #urls(String)}). */
    public static final String LEAF = "leaf";

    private final Path dir;
    private final String executable;
    private final Map<String, List<Server>> regions;
    private final Optional<Server> leaf;
    private final Optional<NatsSecurity> security;
    private final boolean jetStream;

    /** One server's start: its config, ports and name, kept so it can start again after a kill. */
    private static final class Server {
        final List<String> config;
        final int port;
        final int monitorPort;
        final String name;
        NatsServerProcess process;

        Server(List<String> config, int port, int monitorPort, String name) {
            this.config = config;
            this.port = port;
            this.monitorPort = monitorPort;
            this.name = name;
        }
    }

    private NatsSupercluster(Path dir, String executable, Map<String, List<Server>> regions, Optional<Server> leaf,
                             Optional<NatsSecurity> security, boolean jetStream) {
        this.jetStream = jetStream;
        this.dir = dir;
        this.executable = executable;
        this.regions = regions;
        this.leaf = leaf;
        this.security = security;
    }

    /**
     * Starts {@code regions} (names, each a cluster of {@code serversPerRegion}) joined by gateways, a leaf node
     * attached to region {@code leafOf} if given, JetStream on every regional server if asked (one meta group
     * across the supercluster; a stream is placed in a region by its cluster's name, the region's). Secured when
     * {@code security} is given: TLS and the users' nkeys and permissions on every client port, passwords and TLS
     * on every route, gateway and leaf link. Returns when every server greets and JetStream has a leader.
     */
    public static NatsSupercluster start(List<String> regions, int serversPerRegion, Optional<String> leafOf,
                                         boolean jetStream, Optional<NatsSecurity> security) {
        if (regions.size() < 2 || serversPerRegion < 1 || regions.contains(LEAF)
                || leafOf.isPresent() && !regions.contains(leafOf.get())) {
            throw new IllegalArgumentException("a supercluster needs two or more regions (not named '" + LEAF
                    + "'), a server or more in each, and a leaf node attached to one of them; got " + regions
                    + " x " + serversPerRegion + ", leaf of " + leafOf.orElse("none"));
        }
        if (jetStream && serversPerRegion < 2) {
            // nats-server: "JetStream cluster requires configured routes or solicited leafnode for the system account"
            throw new IllegalArgumentException("JetStream across a supercluster needs a cluster of two servers or more in each region");
        }
        String executable = NatsServerBinary.find();
        Path dir;
        try {
            dir = Files.createTempDirectory("natrix-supercluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NatsSupercluster world = null;
        try {
            world = plan(dir, executable, regions, serversPerRegion, leafOf, jetStream, security);
            for (List<Server> region : world.regions.values()) {
                for (Server server : region) {
                    world.check(server);
                    server.process = world.launch(server);
                }
            }
            if (world.leaf.isPresent()) {
                world.check(world.leaf.get());
                world.leaf.get().process = world.launch(world.leaf.get());
            }
            world.awaitReady();
            return world;
        } catch (IOException e) {
            if (world != null) {
                world.close();
            }
            throw new UncheckedIOException("could not start the supercluster: " + e.getMessage(), e);
        }
    }

    private static NatsSupercluster plan(Path dir, String executable, List<String> names, int perRegion,
                                         Optional<String> leafOf, boolean jetStream, Optional<NatsSecurity> security)
            throws IOException {
        int servers = names.size() * perRegion;
        // per regional server: client, route, gateway, leaf and monitoring ports; the leaf: client and monitoring
        int[] ports = NatsServerProcess.freePorts(servers * 5 + 2);
        byte[] secret = new byte[16];
        new java.security.SecureRandom().nextBytes(secret);
        String noAuthPassword = java.util.HexFormat.of().formatHex(secret); // the links' and the open users' password
        Map<String, List<Server>> regions = new LinkedHashMap<>();
        for (int r = 0; r < names.size(); r++) {
            String region = names.get(r);
            List<Server> cluster = new ArrayList<>();
            for (int i = 0; i < perRegion; i++) {
                int at = r * perRegion + i;
                String name = region + "-" + (i + 1);
                List<String> config = new ArrayList<>();
                config.add("listen: 127.0.0.1:" + ports[at]);
                config.add("server_name: " + name);
                config.add("http: 127.0.0.1:" + ports[4 * servers + at]);
                config.add("ping_interval: \"2s\"");
                config.add("ping_max: 2");
                if (security.isPresent()) {
                    config.addAll(security.get().accountsConfig(jetStream));
                } else {
                    config.add("accounts {");
                    config.add("  " + NatsSecurity.SYSTEM_ACCOUNT + ": { users: [ { user: system, password: \"" + noAuthPassword + "\" } ] }");
                    config.add("  " + NatsSecurity.APPLICATION_ACCOUNT + ": {" + (jetStream ? " jetstream: enabled," : "")
                            + " users: [ { user: app, password: \"" + noAuthPassword + "\" } ] }");
                    config.add("}");
                    config.add("system_account: " + NatsSecurity.SYSTEM_ACCOUNT);
                    config.add("no_auth_user: app"); // open: a client without credentials is the application account's
                }
                if (perRegion > 1) {
                    config.add("cluster {");
                    config.add("  name: " + region);
                    config.add("  listen: 127.0.0.1:" + ports[servers + at]);
                    security.ifPresent(secured -> config.addAll(secured.clusterConfig()));
                    config.add("  routes: [");
                    for (int j = 0; j < perRegion; j++) {
                        if (j != i) {
                            int route = ports[servers + r * perRegion + j];
                            config.add("    " + security.map(secured -> secured.route(route)).orElse("nats-route://127.0.0.1:" + route));
                        }
                    }
                    config.add("  ]");
                    config.add("}");
                }
                config.add("gateway {");
                config.add("  name: " + region);
                config.add("  listen: 127.0.0.1:" + ports[2 * servers + at]);
                security.ifPresent(secured -> config.addAll(secured.linkConfig("gateway", Optional.empty())));
                config.add("  gateways: [");
                for (int o = 0; o < names.size(); o++) {
                    if (o != r) {
                        List<String> urls = new ArrayList<>();
                        for (int j = 0; j < perRegion; j++) {
                            int gateway = ports[2 * servers + o * perRegion + j];
                            urls.add("\"" + security.map(secured -> secured.link("nats", "gateway", gateway))
                                    .orElse("nats://127.0.0.1:" + gateway) + "\"");
                        }
                        config.add("    { name: " + names.get(o) + ", urls: [" + String.join(", ", urls) + "] }");
                    }
                }
                config.add("  ]");
                config.add("}");
                if (leafOf.isPresent() && leafOf.get().equals(region)) {
                    config.add("leafnodes {");
                    config.add("  listen: 127.0.0.1:" + ports[3 * servers + at]);
                    if (security.isPresent()) {
                        config.addAll(security.get().linkConfig("leaf", Optional.of(NatsSecurity.APPLICATION_ACCOUNT)));
                    } else {
                        config.add("  authorization { user: leaf, password: \"" + noAuthPassword + "\", account: "
                                + NatsSecurity.APPLICATION_ACCOUNT + " }");
                    }
                    config.add("}");
                }
                if (jetStream) {
                    config.add("jetstream { store_dir: \"" + dir.resolve(name) + "\" }");
                }
                cluster.add(new Server(config, ports[at], ports[4 * servers + at], name));
            }
            regions.put(region, cluster);
        }
        Optional<Server> leaf = leafOf.map(hub -> {
            int port = ports[5 * servers];
            List<String> config = new ArrayList<>();
            config.add("listen: 127.0.0.1:" + port);
            config.add("server_name: " + LEAF + "-" + hub);
            config.add("http: 127.0.0.1:" + ports[5 * servers + 1]);
            config.add("ping_interval: \"2s\"");
            config.add("ping_max: 2");
            security.ifPresent(secured -> config.addAll(secured.serverConfig()));
            config.add("leafnodes {");
            config.add("  remotes: [ {");
            int first = names.indexOf(hub) * perRegion;
            List<String> urls = new ArrayList<>();
            for (int j = 0; j < perRegion; j++) {
                int hubPort = ports[3 * servers + first + j];
                urls.add("\"" + security.map(secured -> secured.link("nats-leaf", "leaf", hubPort))
                        .orElse("nats-leaf://leaf:" + noAuthPassword + "@127.0.0.1:" + hubPort) + "\"");
            }
            config.add("      urls: [" + String.join(", ", urls) + "]");
            security.ifPresent(secured -> config.addAll(secured.leafRemoteTls()));
            config.add("  } ]");
            config.add("}");
            return new Server(config, port, ports[5 * servers + 1], LEAF + "-" + hub);
        });
        return new NatsSupercluster(dir, executable, regions, leaf, security, jetStream);
    }

    /** {@code nats-server -t}: a config the server would refuse fails here, with its words. */
    private void check(Server server) throws IOException {
        Path file = dir.resolve(server.name + ".conf");
        Files.write(file, server.config);
        try {
            Process test = new ProcessBuilder(executable, "-t", "-c", file.toString()).redirectErrorStream(true).start();
            String said = new String(test.getInputStream().readAllBytes()).strip();
            if (test.waitFor() != 0) {
                throw new IOException("nats-server -t refused " + server.name + "'s config: " + said);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while checking " + server.name + "'s config");
        }
    }

    private NatsServerProcess launch(Server server) throws IOException {
        return NatsServerProcess.launch(executable, server.config, server.port, server.monitorPort, server.name,
                security.isPresent());
    }

    private void awaitReady() throws IOException {
        for (NatsServerProcess server : all()) {
            server.awaitReady();
        }
        awaitJetStream();
    }

    private void awaitJetStream() throws IOException {
        if (jetStream) {
            NatsServerProcess.awaitJetStreamLeader(regions.values().stream()
                    .flatMap(region -> region.stream().map(server -> server.process)).toList(), security);
        }
    }

    /** The regions' names, in the order they were given. */
    public List<String> regions() {
        return List.copyOf(regions.keySet());
    }

    /** The servers of {@code region} (or of the leaf node, {@link #LEAF}). */
    public List<NatsServerProcess> region(String region) {
        return serversOf(region).stream().map(server -> server.process).toList();
    }

    /** The client URLs of {@code region}'s servers (or the leaf node's, {@link #LEAF}), comma-separated, for {@code Natrix.builder().servers}. */
    public String servers(String region) {
        return String.join(",", region(region).stream().map(NatsServerProcess::url).toList());
    }

    private List<Server> serversOf(String region) {
        if (region.equals(LEAF)) {
            return leaf.map(List::of).orElseThrow(() -> new IllegalArgumentException("this supercluster has no leaf node"));
        }
        List<Server> servers = regions.get(region);
        if (servers == null) {
            throw new IllegalArgumentException("no region '" + region + "'; there are " + regions.keySet());
        }
        return servers;
    }

    /**
     * Starts {@code region}'s stopped or killed servers again on their ports, with their JetStream stores, and
     * returns when they greet and JetStream has a leader again (a region's cluster that was lost comes back as it
     * was).
     */
    public void restart(String region) {
        try {
            List<NatsServerProcess> started = new ArrayList<>();
            for (Server server : serversOf(region)) {
                if (!server.process.running()) {
                    server.process = launch(server);
                    started.add(server.process);
                }
            }
            for (NatsServerProcess server : started) {
                server.awaitReady();
            }
            awaitJetStream();
        } catch (IOException e) {
            throw new UncheckedIOException("could not restart region " + region + ": " + e.getMessage(), e);
        }
    }

    /** What {@link #start} laid out: each region's servers with their client and monitoring addresses. */
    public String topology() {
        StringBuilder out = new StringBuilder();
        regions.forEach((name, servers) -> out.append("region ").append(name).append(" (cluster ").append(name)
                .append(", gateway to ").append(String.join(", ", regions.keySet().stream().filter(o -> !o.equals(name)).toList()))
                .append("): ").append(String.join(", ", servers.stream()
                        .map(s -> s.name + " " + s.process.url() + " (monitor " + s.process.monitorUrl() + ")").toList()))
                .append('\n'));
        leaf.ifPresent(server -> out.append("leaf node ").append(server.name).append(' ').append(server.process.url())
                .append(" (monitor ").append(server.process.monitorUrl()).append("), attached to region ")
                .append(server.name.substring(LEAF.length() + 1)).append('\n'));
        return out.toString();
    }

    private List<NatsServerProcess> all() {
        List<NatsServerProcess> all = new ArrayList<>();
        regions.values().forEach(region -> region.forEach(server -> all.add(server.process)));
        leaf.ifPresent(server -> all.add(server.process));
        return all;
    }

    /** Stops every server and removes the supercluster's files. */
    @Override
    public void close() {
        all().stream().filter(java.util.Objects::nonNull).forEach(NatsServerProcess::stop);
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is not worth failing for
        }
    }

    @Override
    public String toString() {
        return "supercluster " + regions.keySet() + leaf.map(l -> " + " + l.name).orElse("");
    }
}
