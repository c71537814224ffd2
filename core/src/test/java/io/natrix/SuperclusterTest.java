package io.natrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.api.Placement;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerProcess;
import io.natrix.testkit.NatsSupercluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two regions (east, west), each a secured cluster of two servers, joined by gateways into a supercluster, and a
 * leaf node attached to east: what a deployment across regions gets from NATS itself, seen through natrix. A
 * call is served in the caller's region while an instance is there and by the other region's when none is, with
 * no configuration and no call lost on the way; a leaf node's client reaches both; a broadcast crosses a gateway
 * only while the other region listens; a stream is placed in a region by its cluster's name.
 */
class SuperclusterTest {

    @TempDir
    static Path keys;

    private static NatsSecurity security;
    private static NatsSupercluster world;
    private final List<Natrix> opened = new ArrayList<>();

    @BeforeAll
    static void startTheWorld() {
        security = NatsSecurity.generate(keys, Map.of(NatsSecurity.ADMIN, NatsSecurity.User.admin()));
        world = NatsSupercluster.start(List.of("east", "west"), 2, Optional.of("east"), true, Optional.of(security));
    }

    @AfterAll
    static void stopTheWorld() {
        if (world != null) {
            world.close();
        }
    }

    @org.junit.jupiter.api.AfterEach
    void closeConnections() {
        opened.forEach(Natrix::close);
    }

    private Natrix in(String region) {
        Natrix natrix = Natrix.builder().servers(world.servers(region)).region(region).shutdownHook(false).drainTimeout(Duration.ofSeconds(2))
                .credentials(security.seed(NatsSecurity.ADMIN)).trust(security.ca()).connect();
        opened.add(natrix);
        return natrix;
    }

    /** An instance of service {@code service} in {@code region} whose one endpoint says where it runs. */
    private Service instance(String service, String region) {
        return in(region).service(service).endpoint("Where", String.class, ignored -> region).start();
    }

    /**
     * Asked as an application asks a read (idempotent, retried twice): a plain call without retries could time out
     * once in a failover, the request reaching the leaving instance as it drained (seen from a clean clone).
     */
    private static String where(Natrix caller, String service) {
        return caller.call("ms." + service + ".Where", "?", String.class,
                CallOptions.timeout(Duration.ofSeconds(2)).idempotent().retries(2));
    }

    /** A caller in each region. */
    private record Callers(Natrix east, Natrix west) {
    }

    /** An instance of {@code service} in each region, and a caller in each that its own region's instance answers. */
    private Callers eachRegionServingItself(String service) {
        instance(service, "east");
        instance(service, "west");
        Callers callers = new Callers(in("east"), in("west"));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> where(callers.east(), service).equals("east")
                && where(callers.west(), service).equals("west"));
        return callers;
    }

    private static String whereOrWhy(Natrix caller, String service) {
        try {
            return where(caller, service);
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    @Test
    void aCallIsServedInTheCallersRegionWhileAnInstanceIsThere() {
        Callers callers = eachRegionServingItself("local");
        for (int i = 0; i < 50; i++) {
            assertThat(where(callers.east(), "local")).isEqualTo("east");
            assertThat(where(callers.west(), "local")).isEqualTo("west");
        }
    }

    @Test
    void discoveryInEitherRegionSeesEveryInstanceWithTheRegionItRunsIn() {
        instance("seen", "east");
        instance("seen", "west");
        Service pinned = in("west").service("seen").metadata(Map.of(ServiceInstance.REGION, "west-2"))
                .endpoint("Where", String.class, ignored -> "west-2").start();
        assertThat(pinned.snapshot().region()).as("a service's own metadata names its region first").contains("west-2");
        for (String region : world.regions()) {
            Natrix asker = in(region);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(asker.discover(Duration.ofMillis(500)).stream()
                    .filter(instance -> instance.name().equals("seen")).map(instance -> instance.region().orElse("none")))
                    .containsExactlyInAnyOrder("east", "west", "west-2"));
        }
    }

    @Test
    void withNoInstanceInItsRegionACallIsServedByTheOtherRegionsAndNoneIsLost() throws Exception {
        // west's first, and seen from east, so that east's servers know of west's queue group before east has its own
        instance("failover", "west");
        Natrix caller = in("east");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> where(caller, "failover").equals("west"));
        Service eastInstance = instance("failover", "east");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> where(caller, "failover").equals("east"));

        AtomicBoolean calling = new AtomicBoolean(true);
        List<String> answers = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CountDownLatch someAnswered = new CountDownLatch(20);
        Thread loop = Thread.ofVirtual().start(() -> {
            while (calling.get()) {
                try {
                    answers.add(where(caller, "failover"));
                } catch (RuntimeException e) {
                    failures.add(e);
                }
                someAnswered.countDown();
            }
        });
        assertThat(someAnswered.await(10, TimeUnit.SECONDS)).isTrue();
        eastInstance.close(); // east's only instance drains and leaves, while calls keep coming
        await().atMost(Duration.ofSeconds(10)).until(() -> answers.size() > 20 && answers.getLast().equals("west"));
        int afterFailover = answers.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> answers.size() > afterFailover + 50);
        instance("failover", "east"); // east serves itself again, with nothing to configure
        await().atMost(Duration.ofSeconds(10)).until(() -> answers.getLast().equals("east"));
        calling.set(false);
        loop.join();

        assertThat(failures).as("calls that failed on the way from east to west and back").isEmpty();
        assertThat(answers).contains("west");
        assertThat(answers.subList(afterFailover, afterFailover + 50)).as("while east had no instance").containsOnly("west");
    }

    @Test
    void aRegionsWholeClusterLostLeavesTheOtherUnaffectedAndItsClientsReconnectWhenItReturns() throws Exception {
        Callers callers = eachRegionServingItself("regional");
        Natrix east = callers.east();
        Natrix west = callers.west();

        world.region("west").forEach(NatsServerProcess::kill);
        try {
            for (int i = 0; i < 50; i++) {
                assertThat(where(east, "regional")).as("east, with west's cluster gone").isEqualTo("east");
            }
        } finally {
            world.restart("west");
        }
        // west's client and west's instance reconnect by themselves, to the servers they knew; one reconnect
        // attempt that meets a server still starting may wait out the TLS connect timeout (25 s) before the next
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(whereOrWhy(west, "regional"))
                .as(() -> "west's connections: " + opened.stream().map(n -> n.nats().getStatus() + " to "
                        + n.nats().getConnectedUrl() + " after " + n.nats().getStatistics().getReconnects()
                        + " reconnects, knowing " + n.nats().getServers()).toList()).isEqualTo("west"));
        assertThat(where(east, "regional")).isEqualTo("east");
    }

    @Test
    void aLeafNodesClientReachesServicesInEitherRegion() {
        instance("edge", "west");
        Natrix city = in(NatsSupercluster.LEAF);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> where(city, "edge").equals("west"));
        Service eastInstance = instance("edge", "east");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> where(city, "edge").equals("east"));
        eastInstance.close();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> where(city, "edge").equals("west"));
    }

    @Test
    void aBroadcastCrossesTheGatewayOnlyWhileTheOtherRegionListens() throws Exception {
        Natrix east = in("east");
        AtomicInteger heardInEast = new AtomicInteger();
        east.service("east-listener").broadcastListener("ms.positions.east.>", String.class, e -> heardInEast.incrementAndGet()).start();
        String subject = "ms.positions.east.driver-1";
        int events = 1_000;

        long before = gatewayMessagesOut("east");
        publish(east, subject, events);
        await().atMost(Duration.ofSeconds(10)).until(() -> heardInEast.get() == events);
        long crossedUnheard = gatewayMessagesOut("east") - before;

        AtomicInteger heardInWest = new AtomicInteger();
        in("west").service("west-listener").broadcastListener("ms.positions.east.>", String.class,
                e -> heardInWest.incrementAndGet()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            east.publish(subject, "probe"); // until west's interest has reached east's servers
            return heardInWest.get() > 0;
        });
        long beforeHeard = gatewayMessagesOut("east");
        int westBefore = heardInWest.get();
        publish(east, subject, events);
        // at least: the probe published last may still have been on its way when westBefore was read
        await().atMost(Duration.ofSeconds(10)).until(() -> heardInWest.get() >= westBefore + events);
        long crossedHeard = gatewayMessagesOut("east") - beforeHeard;

        assertThat(crossedUnheard).as("events that crossed to west while nobody there listened").isLessThan(events / 10);
        assertThat(crossedHeard).as("events that crossed to west's listener").isGreaterThanOrEqualTo(events);
    }

    @Test
    void aStreamIsPlacedInTheRegionItsClusterNames() throws Exception {
        Natrix east = in("east");
        StreamInfo info = east.nats().jetStreamManagement().addStream(StreamConfiguration.builder().name("RIDES_WEST")
                .subjects("ms.rides.west.>").placement(Placement.builder().cluster("west").build()).build());
        assertThat(info.getClusterInfo().getName()).isEqualTo("west");
        assertThat(east.publishDurable("ms.rides.west.requested", Map.of("ride", 1), "ride-1"))
                .as("a client in east stores on west's stream").isTrue();
    }

    private static void publish(Natrix natrix, String subject, int events) throws Exception {
        for (int i = 0; i < events; i++) {
            natrix.publish(subject, "event " + i);
        }
        natrix.nats().flush(Duration.ofSeconds(5));
    }

    /** Messages east's servers sent over their gateways so far ({@code /gatewayz}, outbound connections). */
    private static long gatewayMessagesOut(String region) throws Exception {
        ObjectMapper json = new ObjectMapper();
        long sum = 0;
        for (NatsServerProcess server : world.region(region)) {
            for (JsonNode gateway : json.readTree(server.monitor("/gatewayz")).path("outbound_gateways")) {
                sum += gateway.path("connection").path("out_msgs").asLong();
            }
        }
        return sum;
    }
}
