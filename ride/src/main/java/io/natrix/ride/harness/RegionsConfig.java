package io.natrix.ride.harness;

import io.natrix.ride.RideRole;
import io.natrix.ride.RideSecurity;
import io.natrix.ride.ServiceMain;
import io.natrix.testkit.NatsSupercluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./natrix demo --regions 2 --write-config DIR [--hosts ...]}: the regions demo's system laid out on real
 * hosts, written into a folder instead of started. {@code DIR/nats/}: a nats-server config per server, each
 * checked by {@code nats-server -t}; {@code DIR/keys/}: the NATS users' keys and a certificate naming every host
 * (unless {@code --insecure}); {@code DIR/services/<region>.sh}: each region's services, the command and the
 * environment of each; {@code DIR/README.md}: how to run it.
 */
final class RegionsConfig {

    /** Where the hosts are when none are given: names for a DNS of yours. */
    static final String DEFAULT_HOSTS = "south=south-1.natrix.internal,south-2.natrix.internal;"
            + "north=north-1.natrix.internal,north-2.natrix.internal;leaf=leaf-south.natrix.internal";
    static final int GATEWAY_PORT = 8080, INGEST_PORT = 8081;
    static final Path STORES = Path.of("/var/lib/natrix/jetstream");

    private RegionsConfig() {
    }

    static void write(Path dir, String hostsSpec, boolean insecure) throws IOException {
        Map<String, List<String>> hosts = new LinkedHashMap<>();
        String leaf = null;
        for (String part : (hostsSpec == null ? DEFAULT_HOSTS : hostsSpec).split(";")) {
            String[] nameAndHosts = part.strip().split("=");
            if (nameAndHosts.length != 2) {
                throw new IllegalArgumentException("--hosts is region=host,host;...;leaf=host; got '" + part + "'");
            }
            if (nameAndHosts[0].equals("leaf")) {
                leaf = nameAndHosts[1].strip();
            } else {
                hosts.put(nameAndHosts[0].strip(), List.of(nameAndHosts[1].strip().split(",")));
            }
        }
        if (!hosts.keySet().equals(java.util.Set.of("south", "north")) || leaf == null) {
            throw new IllegalArgumentException("--hosts names the hosts of south, of north and of the leaf node; got " + hostsSpec);
        }
        Path absolute = dir.toAbsolutePath();
        List<String> everyHost = new ArrayList<>(hosts.values().stream().flatMap(List::stream).toList());
        everyHost.add(leaf);
        Optional<RideSecurity> security = insecure ? Optional.empty() : Optional.of(RideSecurity.generate(absolute.resolve("keys"),
                Optional.of(RegionalSystem.REGIONS), everyHost.stream().map(h -> (h.matches("[0-9.]+") ? "ip:" : "dns:") + h).toList()));
        List<Path> configs = NatsSupercluster.writeConfigs(absolute.resolve("nats"), hosts, Optional.of("south"), Optional.of(leaf),
                true, STORES, security.map(RideSecurity::nats));
        String scheme = security.isPresent() ? "tls" : "nats";
        Path services = Files.createDirectories(absolute.resolve("services"));
        for (String region : hosts.keySet()) {
            String nats = String.join(",", hosts.get(region).stream().map(h -> scheme + "://" + h + ":" + NatsSupercluster.CLIENT_PORT).toList());
            // the south's gateway connects through the leaf node, a city's edge
            String gatewayNats = region.equals("south") ? scheme + "://" + leaf + ":" + NatsSupercluster.CLIENT_PORT : nats;
            List<String> script = new ArrayList<>(List.of(
                    "#!/usr/bin/env bash",
                    "# Region " + region + "'s services (written by ./natrix demo --regions 2 --write-config): run it on a host of the",
                    "# region, or split its lines over several. NATRIX_CLASSPATH: natrix-ride's jar and its dependencies",
                    "# (./mvnw -q -pl ride dependency:build-classpath -Dmdep.outputFile=cp.txt, then ride/target/classes and cp.txt's).",
                    "set -euo pipefail",
                    ": \"${NATRIX_CLASSPATH:?set NATRIX_CLASSPATH (see the comment above)}\"",
                    "JAVA=\"${JAVA:-java}\"   # JDK 25",
                    "export NATRIX_REGION=" + region,
                    "export NATRIX_GEO_REGIONS='" + RegionalSystem.REGIONS + "'",
                    "NATS='" + nats + "'",
                    "run() { \"$JAVA\" -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \"$@\" & }"));
            List<RideRole> roles = new ArrayList<>(List.of(RideRole.USERS, RideRole.GEO, RideRole.ETA_QUICK, RideRole.ETA_CAREFUL,
                    RideRole.DISPATCH));
            if (region.equals("south")) {
                roles.add(RideRole.DASHBOARD); // one, for the whole system
            }
            roles.add(RideRole.GATEWAY);
            for (RideRole role : roles) {
                List<String> line = new ArrayList<>(List.of("run"));
                security.ifPresent(keys -> line.addAll(keys.jvmOptions(role.label())));
                if (role == RideRole.GATEWAY) {
                    line.add("-Dnatrix.ingestPort=" + INGEST_PORT);
                }
                line.addAll(List.of("-cp", "\"$NATRIX_CLASSPATH\"", ServiceMain.class.getName(), role.label(),
                        role == RideRole.GATEWAY ? "'" + gatewayNats + "'" : "\"$NATS\""));
                if (role == RideRole.GATEWAY) {
                    line.add(Integer.toString(GATEWAY_PORT));
                }
                script.add(String.join(" ", line));
            }
            script.add("wait");
            Path file = services.resolve(region + ".sh");
            Files.write(file, script);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.write(absolute.resolve("README.md"), readme(hosts, leaf, security.isPresent()));
        System.out.println("natrix demo: wrote the regions demo for " + everyHost.size() + " hosts into " + absolute + ":");
        configs.forEach(config -> System.out.println("  " + absolute.relativize(config) + "   (nats-server -t: valid)"));
        System.out.println("  services/south.sh, services/north.sh, " + (security.isPresent() ? "keys/, " : "") + "README.md");
    }

    private static List<String> readme(Map<String, List<String>> hosts, String leaf, boolean secured) {
        List<String> lines = new ArrayList<>(List.of(
                "# The regions demo on real hosts",
                "",
                "Written by `./natrix demo --regions 2 --write-config` (docs/scaling.md). Two regions, each a NATS cluster, joined by",
                "gateways; a leaf node attached to the south, through which the south's HTTP gateway connects.",
                ""));
        hosts.forEach((region, servers) -> lines.add("- region " + region + ": nats-server on " + String.join(", ", servers)
                + " (`nats/" + region + "-N.conf`), services `services/" + region + ".sh`"));
        lines.add("- leaf node: " + leaf + " (`nats/leaf-south.conf`)");
        lines.addAll(List.of("",
                "Ports on each host: clients " + NatsSupercluster.CLIENT_PORT + ", routes " + NatsSupercluster.ROUTE_PORT + ", gateways "
                        + NatsSupercluster.GATEWAY_PORT + ", leaf nodes " + NatsSupercluster.LEAF_PORT + ", monitoring "
                        + NatsSupercluster.MONITOR_PORT + "; each HTTP gateway " + GATEWAY_PORT + " (drivers' WebSockets on " + INGEST_PORT + ").",
                "",
                "1. On every NATS host: Debian's `nats-server` (2.9.10 was verified: each config here passed `nats-server -t`),",
                "   then `nats-server -c nats/<its name>.conf`. JetStream keeps its store under " + STORES + "/<name>.",
                "   Start one south server first, the rest once it is up: regions started all at once elect two JetStream",
                "   leaders on 2.9.10 (docs/scaling.md, \"NATS configuration\").",
                "2. Once the servers are up, provision the ride system's storage as the admin from any host (the streams and",
                "   buckets of `RideStorage`, the fleet's stream per region): `RideStorage.provision(connection, 3,",
                "   Optional.of(GeoRegions.parse(\"" + RegionalSystem.REGIONS + "\")))`.",
                "3. On each region's service hosts: `NATRIX_CLASSPATH=... services/<region>.sh`.",
                secured ? "4. Copy this folder to the same path on every host: the configs and commands name `keys/` by its absolute path;"
                        + " each process reads only its own seed. The certificate names every host given." 
                        : "4. These configs are open (`--insecure`): anyone who reaches a port may do anything.",
                "",
                "Verified here: each nats-server config with `nats-server -t`; the same layout on loopback by `./natrix demo",
                "--regions 2`. Not verified here: real hosts, DNS, firewalls, container images or Kubernetes."));
        return lines;
    }
}
