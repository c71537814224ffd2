package io.natrix.testkit;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The open supercluster (no users, no TLS): a client without credentials is the application account's. */
class NatsSuperclusterTest {

    /**
     * A responder on {@code responding} that says {@code where}, asked from {@code asking} until it answers (its
     * interest crosses the gateways and the leaf link) or 10 s pass; what it last answered, or null.
     */
    private static String answeredAcross(Connection responding, String where, Connection asking) throws Exception {
        Dispatcher responder = responding.createDispatcher();
        responder.subscribe("ms.where.Is", "where", (Message request) ->
                responding.publish(request.getReplyTo(), where.getBytes(StandardCharsets.UTF_8)));
        responding.flush(Duration.ofSeconds(2));
        String answer = null;
        long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!where.equals(answer) && System.nanoTime() < giveUp) {
            Message reply = asking.request("ms.where.Is", new byte[0], Duration.ofMillis(500));
            answer = reply == null || reply.isStatusMessage() ? null : new String(reply.getData(), StandardCharsets.UTF_8);
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        return answer;
    }

    @Test
    void anOpenSuperclusterCarriesARequestFromTheLeafNodeToAnotherRegion() throws Exception {
        try (NatsSupercluster world = NatsSupercluster.start(List.of("north", "south"), 1, Optional.of("north"), false,
                Optional.empty());
             Connection south = Nats.connect(world.servers("south"));
             Connection city = Nats.connect(world.servers(NatsSupercluster.LEAF))) {
            assertThat(answeredAcross(south, "south", city)).isEqualTo("south");
            assertThat(world.topology()).contains("region north", "region south", "leaf node leaf-north");
            assertThat(world.region("north").getFirst().monitor("/leafz")).containsPattern("\"leafnodes\":\\s*1,");
        }
    }

    @Test
    void aSuperclusterNeedsTwoRegionsAndALeafOfOneOfThem() {
        assertThatThrownBy(() -> NatsSupercluster.start(List.of("alone"), 2, Optional.empty(), false, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two or more regions");
        assertThatThrownBy(() -> NatsSupercluster.start(List.of("a", "b"), 1, Optional.of("c"), false, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaf of c");
        assertThatThrownBy(() -> NatsSupercluster.start(List.of("a", "b"), 1, Optional.empty(), true, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two servers or more");
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    /** Two regions of two hosts each. */
    private static java.util.Map<String, List<String>> eastAndWest(String east1, String east2, String west1, String west2) {
        java.util.Map<String, List<String>> hosts = new java.util.LinkedHashMap<>();
        hosts.put("east", List.of(east1, east2));
        hosts.put("west", List.of(west1, west2));
        return hosts;
    }

    /** An admin's keys, and a server certificate naming every host and the leaf node's. */
    private static NatsSecurity keysNaming(java.nio.file.Path keys, java.util.Map<String, List<String>> hosts, String leaf) {
        List<String> names = new java.util.ArrayList<>(hosts.values().stream().flatMap(List::stream).map(h -> "ip:" + h).toList());
        names.add("ip:" + leaf);
        return NatsSecurity.generate(keys, java.util.Map.of(NatsSecurity.ADMIN, NatsSecurity.User.admin()), names);
    }

    @Test
    void theConfigurationForRealHostsIsOneFilePerServerThatNatsServerAccepts() throws Exception {
        java.util.Map<String, List<String>> hosts = eastAndWest("10.0.1.1", "10.0.1.2", "10.0.2.1", "10.0.2.2");
        NatsSecurity security = keysNaming(dir.resolve("keys"), hosts, "10.0.3.1");
        List<java.nio.file.Path> files = NatsSupercluster.writeConfigs(dir.resolve("nats"), hosts, Optional.of("east"),
                Optional.of("10.0.3.1"), true, java.nio.file.Path.of("/var/lib/natrix/jetstream"), Optional.of(security));
        assertThat(files).extracting(f -> f.getFileName().toString())
                .containsExactly("east-1.conf", "east-2.conf", "west-1.conf", "west-2.conf", "leaf-east.conf");
        String east1 = java.nio.file.Files.readString(files.getFirst());
        assertThat(east1).contains("listen: 10.0.1.1:4222", "listen: 10.0.1.1:6222", "@10.0.1.2:6222", "@10.0.2.1:7222",
                "@10.0.2.2:7222", "listen: 10.0.1.1:7422", "/var/lib/natrix/jetstream/east-1", "system_account: SYS");
        assertThat(java.nio.file.Files.readString(files.getLast())).contains("listen: 10.0.3.1:4222", "@10.0.1.1:7422", "@10.0.1.2:7422");
        assertThatThrownBy(() -> NatsSupercluster.writeConfigs(dir.resolve("bad"), java.util.Map.of("east", List.of("a"), "west", List.of("b", "c")),
                Optional.empty(), Optional.empty(), false, dir, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the same number of hosts");
    }

    @Test
    void theLayoutWrittenForRealHostsRunsOnThoseHosts() throws Exception {
        // loopback addresses stand in for five hosts, each server on NATS's usual ports
        java.util.Map<String, List<String>> hosts = eastAndWest("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5");
        NatsSecurity security = keysNaming(dir.resolve("hosts-keys"), hosts, "127.0.0.6");
        try (NatsSupercluster world = NatsSupercluster.startOn(hosts, Optional.of("east"), Optional.of("127.0.0.6"), true, Optional.of(security));
             Connection west = Nats.connect(security.as(NatsSecurity.ADMIN, new io.nats.client.Options.Builder()
                     .servers(world.servers("west").split(","))).build());
             Connection city = Nats.connect(security.as(NatsSecurity.ADMIN, new io.nats.client.Options.Builder()
                     .server(world.servers(NatsSupercluster.LEAF))).build())) {
            assertThat(world.servers("west")).isEqualTo("tls://127.0.0.4:4222,tls://127.0.0.5:4222");
            assertThat(answeredAcross(west, "west", city)).as("the leaf node's client, through east, to west").isEqualTo("west");
            var stream = west.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder().name("TWO_COPIES")
                    .subjects("ms.two.>").replicas(2) // placed by name: unplaced, JetStream may choose either region
                    .placement(io.nats.client.api.Placement.builder().cluster("west").build()).build());
            assertThat(stream.getClusterInfo().getName()).isEqualTo("west");
        }
    }
}
