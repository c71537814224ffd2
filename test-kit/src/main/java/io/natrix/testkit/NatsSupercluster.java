package io.natrix.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /** The leaf node's name among the regions' names ({@link #servers(String)}). */
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
        final Address address;
        final String name;
        NatsServerProcess process;

        Server(List<String> config, Address address, String name) {
            this.config = config;
            this.address = address;
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
        try {
            return started(plan(dir, executable, regions, serversPerRegion, leafOf, jetStream, security));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the supercluster: " + e.getMessage(), e);
        }
    }

    /**
     * The layout {@link #writeConfigs} writes, started on those hosts (loopback addresses such as
     * {@code 127.0.0.2} stand in for them on one machine), JetStream's stores in a folder of its own: what a
     * deployment's configuration does, checked by running it.
     */
    static NatsSupercluster startOn(Map<String, List<String>> hosts, Optional<String> leafOf, Optional<String> leafHost,
                                    boolean jetStream, Optional<NatsSecurity> security) {
        try {
            Path dir = Files.createTempDirectory("natrix-supercluster-");
            return started(planOn(dir, hosts, leafOf, leafHost, jetStream, dir, security));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the supercluster: " + e.getMessage(), e);
        }
    }

    private static NatsSupercluster started(NatsSupercluster world) throws IOException {
        try {
            boolean first = true;
            for (List<Server> region : world.regions.values()) {
                for (Server server : region) {
                    world.check(server);
                }
                world.launch(region, first);
                first = false;
            }
            if (world.leaf.isPresent()) {
                world.check(world.leaf.get());
                world.leaf.get().process = world.launch(world.leaf.get());
            }
            world.awaitReady();
            return world;
        } catch (IOException | RuntimeException e) {
            world.close();
            throw e;
        }
    }

    /** Where one server listens: its host and its client, route, gateway, leaf-node and monitoring ports. */
    record Address(String host, int client, int route, int gateway, int leaf, int monitor) {
    }

    private static NatsSupercluster plan(Path dir, String executable, List<String> names, int perRegion,
                                         Optional<String> leafOf, boolean jetStream, Optional<NatsSecurity> security)
            throws IOException {
        int servers = names.size() * perRegion;
        // per regional server: client, route, gateway, leaf and monitoring ports; the leaf: client and monitoring
        int[] ports = UnassignedPorts.choose(servers * 5 + 2);
        List<Address> addresses = new ArrayList<>();
        for (int at = 0; at < servers; at++) {
            addresses.add(new Address("127.0.0.1", ports[at], ports[servers + at], ports[2 * servers + at],
                    ports[3 * servers + at], ports[4 * servers + at]));
        }
        Address leaf = new Address("127.0.0.1", ports[5 * servers], 0, 0, 0, ports[5 * servers + 1]);
        return plan(dir, executable, names, perRegion, leafOf, jetStream, security, addresses, leaf, dir);
    }

    /** The servers' configs for {@code addresses} (regional servers in order), JetStream stores under {@code stores}. */
    private static NatsSupercluster plan(Path dir, String executable, List<String> names, int perRegion,
                                         Optional<String> leafOf, boolean jetStream, Optional<NatsSecurity> security,
                                         List<Address> addresses, Address leafAddress, Path stores) {
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
                Address here = addresses.get(at);
                List<String> config = new ArrayList<>(NatsServerProcess.serverLines(name, here.host(), here.client(), here.monitor()));
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
                    config.add("  listen: " + here.host() + ":" + here.route());
                    security.ifPresent(secured -> config.addAll(secured.clusterConfig()));
                    config.add("  routes: [");
                    for (int j = 0; j < perRegion; j++) {
                        if (j != i) {
                            Address peer = addresses.get(r * perRegion + j);
                            config.add("    " + security.map(secured -> secured.route(peer.host(), peer.route()))
                                    .orElse("nats-route://" + peer.host() + ":" + peer.route()));
                        }
                    }
                    config.add("  ]");
                    config.add("}");
                }
                config.add("gateway {");
                config.add("  name: " + region);
                config.add("  listen: " + here.host() + ":" + here.gateway());
                security.ifPresent(secured -> config.addAll(secured.linkConfig("gateway", Optional.empty())));
                config.add("  gateways: [");
                for (int o = 0; o < names.size(); o++) {
                    if (o != r) {
                        List<String> urls = new ArrayList<>();
                        for (int j = 0; j < perRegion; j++) {
                            Address other = addresses.get(o * perRegion + j);
                            urls.add("\"" + security.map(secured -> secured.link("nats", "gateway", other.host(), other.gateway()))
                                    .orElse("nats://" + other.host() + ":" + other.gateway()) + "\"");
                        }
                        config.add("    { name: " + names.get(o) + ", urls: [" + String.join(", ", urls) + "] }");
                    }
                }
                config.add("  ]");
                config.add("}");
                if (leafOf.isPresent() && leafOf.get().equals(region)) {
                    config.add("leafnodes {");
                    config.add("  listen: " + here.host() + ":" + here.leaf());
                    if (security.isPresent()) {
                        config.addAll(security.get().linkConfig("leaf", Optional.of(NatsSecurity.APPLICATION_ACCOUNT)));
                    } else {
                        config.add("  authorization { user: leaf, password: \"" + noAuthPassword + "\", account: "
                                + NatsSecurity.APPLICATION_ACCOUNT + " }");
                    }
                    config.add("}");
                }
                if (jetStream) {
                    config.add("jetstream { store_dir: \"" + stores.resolve(name) + "\" }");
                }
                cluster.add(new Server(config, here, name));
            }
            regions.put(region, cluster);
        }
        Optional<Server> leaf = leafOf.map(hub -> {
            List<String> config = new ArrayList<>(NatsServerProcess.serverLines(LEAF + "-" + hub, leafAddress.host(),
                    leafAddress.client(), leafAddress.monitor()));
            security.ifPresent(secured -> config.addAll(secured.serverConfig()));
            config.add("leafnodes {");
            config.add("  remotes: [ {");
            int first = names.indexOf(hub) * perRegion;
            List<String> urls = new ArrayList<>();
            for (int j = 0; j < perRegion; j++) {
                Address hubServer = addresses.get(first + j);
                urls.add("\"" + security.map(secured -> secured.link("nats-leaf", "leaf", hubServer.host(), hubServer.leaf()))
                        .orElse("nats-leaf://leaf:" + noAuthPassword + "@" + hubServer.host() + ":" + hubServer.leaf()) + "\"");
            }
            config.add("      urls: [" + String.join(", ", urls) + "]");
            security.ifPresent(secured -> config.addAll(secured.leafRemoteTls()));
            config.add("  } ]");
            config.add("}");
            return new Server(config, leafAddress, LEAF + "-" + hub);
        });
        return new NatsSupercluster(dir, executable, regions, leaf, security, jetStream);
    }

    /** The ports a server on a host of its own uses: NATS's usual ones. */
    public static final int CLIENT_PORT = 4222, ROUTE_PORT = 6222, GATEWAY_PORT = 7222, LEAF_PORT = 7422, MONITOR_PORT = 8222;

    /**
     * Writes the same supercluster laid out on real hosts into {@code dir}: one {@code <server>.conf} per server
     * (regions' servers named {@code <region>-<n>}, the leaf node {@code leaf-<region>}), each on its host with
     * NATS's usual ports ({@link #CLIENT_PORT} and the others) and its JetStream store under {@code stores} on that
     * host; each accepted by {@code nats-server -t} before this returns. With {@code security}, its files' paths
     * are in the configs: copy its folder to the same path on every host. Returns the files written.
     *
     * @param hosts    each region's hosts, one server on each, the same number in every region
     * @param leafHost the leaf node's host, attached to region {@code leafOf}
     */
    public static List<Path> writeConfigs(Path dir, Map<String, List<String>> hosts, Optional<String> leafOf,
                                          Optional<String> leafHost, boolean jetStream, Path stores,
                                          Optional<NatsSecurity> security) throws IOException {
        Files.createDirectories(dir);
        NatsSupercluster written = planOn(dir, hosts, leafOf, leafHost, jetStream, stores, security);
        List<Path> files = new ArrayList<>();
        for (Server server : written.regions.values().stream().flatMap(List::stream).toList()) {
            written.check(server);
            files.add(dir.resolve(server.name + ".conf"));
        }
        if (written.leaf.isPresent()) {
            written.check(written.leaf.get());
            files.add(dir.resolve(written.leaf.get().name + ".conf"));
        }
        return files;
    }

    /** Each region's servers on its hosts, one a host, with NATS's usual ports. */
    private static NatsSupercluster planOn(Path dir, Map<String, List<String>> hosts, Optional<String> leafOf,
                                           Optional<String> leafHost, boolean jetStream, Path stores,
                                           Optional<NatsSecurity> security) {
        List<String> names = List.copyOf(hosts.keySet());
        int perRegion = hosts.values().iterator().next().size();
        if (names.size() < 2 || hosts.values().stream().anyMatch(h -> h.size() != perRegion) || leafOf.isPresent() != leafHost.isPresent()
                || leafOf.isPresent() && !names.contains(leafOf.get()) || jetStream && perRegion < 2) {
            throw new IllegalArgumentException("two regions or more, the same number of hosts in each (two or more with"
                    + " JetStream), and a leaf node's host with the region it is attached to, or neither; got " + hosts
                    + ", leaf " + leafHost.orElse("none") + " of " + leafOf.orElse("none"));
        }
        List<Address> addresses = new ArrayList<>();
        for (String region : names) {
            for (String host : hosts.get(region)) {
                addresses.add(new Address(host, CLIENT_PORT, ROUTE_PORT, GATEWAY_PORT, LEAF_PORT, MONITOR_PORT));
            }
        }
        Address leaf = new Address(leafHost.orElse("127.0.0.1"), CLIENT_PORT, 0, 0, 0, MONITOR_PORT);
        return plan(dir, NatsServerBinary.find(), names, perRegion, leafOf, jetStream, security, addresses, leaf, stores);
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

    /**
     * Starts one region's servers. The first region's start together. JetStream's meta group is one for the
     * whole supercluster, but a server bootstraps it from the peers it knows when its routes are up, and a
     * server connects its gateways about a second after it starts: a later region whose servers all started at
     * once would elect a meta leader of its own before its gateways join, and two leaders then contend for
     * good (seen on 2.9.10: streams of more than one copy could not be made). So in a later region one server
     * starts first, waiting for its routes, and the others once its gateways have reached every other region.
     */
    private void launch(List<Server> region, boolean firstRegion) throws IOException {
        if (firstRegion || !jetStream || region.size() == 1) {
            for (Server server : region) {
                server.process = launch(server);
            }
            return;
        }
        Server pioneer = region.getFirst();
        pioneer.process = launch(pioneer);
        pioneer.process.awaitReady();
        long giveUp = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (!gatewaysUp(pioneer.process, regions.size() - 1)) {
            if (System.nanoTime() > giveUp) {
                throw new IOException(pioneer.name + " did not reach every other region through its gateways within 20 s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(java.time.Duration.ofMillis(50).toNanos());
        }
        for (Server server : region.subList(1, region.size())) {
            server.process = launch(server);
        }
    }

    private NatsServerProcess launch(Server server) throws IOException {
        return NatsServerProcess.launch(executable, server.config, server.address.host(), server.address.client(),
                server.address.monitor(), server.name,
                security.isPresent());
    }

    private void awaitReady() throws IOException {
        for (NatsServerProcess server : all()) {
            server.awaitReady();
        }
        awaitLinks();
        awaitJetStream();
    }

    /**
     * Until every regional server has its routes to the others of its region and a gateway to every other
     * region ({@code /routez}, {@code /gatewayz}): a replicated stream made before its servers are routed waits
     * for an election that cannot happen, and its creation times out.
     */
    private void awaitLinks() throws IOException {
        long giveUp = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        for (List<Server> region : regions.values()) {
            for (Server server : region) {
                while (!linked(server.process, region.size() - 1, regions.size() - 1)) {
                    if (System.nanoTime() > giveUp) {
                        throw new IOException(server.name + " has not routed to its region's servers or reached every other"
                                + " region within 20 s: " + server.process.monitor("/routez").replaceAll("\\s+", " "));
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(java.time.Duration.ofMillis(50).toNanos());
                }
            }
        }
    }

    private static boolean linked(NatsServerProcess server, int routes, int gateways) {
        java.util.regex.Matcher routed = java.util.regex.Pattern.compile("\"num_routes\":\\s*(\\d+)").matcher(server.monitor("/routez"));
        return routed.find() && Integer.parseInt(routed.group(1)) >= routes && gatewaysUp(server, gateways);
    }

    private static boolean gatewaysUp(NatsServerProcess server, int gateways) {
        String gatewayz = server.monitor("/gatewayz");
        int outbound = gatewayz.indexOf("\"outbound_gateways\"");
        int inbound = gatewayz.indexOf("\"inbound_gateways\"");
        if (outbound < 0) {
            return false;
        }
        String out = gatewayz.substring(outbound, inbound > outbound ? inbound : gatewayz.length());
        return out.split("\"connection\"").length - 1 >= gateways;
    }

    /**
     * How long a restarted region may take until JetStream has a meta leader again: the meta group lost its quorum
     * with the region (two regions of two servers each), and its election after the region's return took over 10 s
     * on the loaded two cores (seen in {@code ./natrix chaos --regions 2}).
     */
    private static final java.time.Duration RESTART_ELECTION = java.time.Duration.ofSeconds(45);

    private void awaitJetStream() throws IOException {
        awaitJetStream(NatsServerProcess.READY_TIMEOUT);
    }

    private void awaitJetStream(java.time.Duration election) throws IOException {
        if (!jetStream) {
            return;
        }
        List<NatsServerProcess> servers = regions.values().stream().flatMap(region -> region.stream().map(server -> server.process)).toList();
        NatsServerProcess.awaitJetStreamLeader(servers, security, election);
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
            awaitLinks();
            awaitJetStream(RESTART_ELECTION);
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
        Folders.deleteOrSay(dir, "natrix supercluster"); // a folder left behind fails nothing
    }

    @Override
    public String toString() {
        return "supercluster " + regions.keySet() + leaf.map(l -> " + " + l.name).orElse("");
    }
}
