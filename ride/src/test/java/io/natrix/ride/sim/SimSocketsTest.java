package io.natrix.ride.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.Natrix;
import io.natrix.gateway.TokenKeys;
import io.natrix.ride.RideStack;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The simulator's sockets against a real gateway of the ride API, with tokens: a driver's tick runs once a second
 * on the event loop and its positions go out; the gateway's answer to a bad one comes back on the socket; an
 * upgrade without the driver's token is refused with its status; a gateway that goes away ends the socket, and
 * the socket says why; a rider's nearby stream hands on its lines on the event loop as they come, and a stream
 * the gateway refuses says its status and words.
 */
class SimSocketsTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    @TempDir
    static Path dir;

    /** A tick that threw: none may. */
    private final List<RuntimeException> bugs = new CopyOnWriteArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void noTickThrew() {
        assertThat(bugs).isEmpty();
    }

    /** A connection to this class's server, as its admin. */
    private static Natrix connect() {
        return Natrix.builder().servers(nats.url()).credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
    }

    @Test
    void aDriverTicksOnceASecondItsPositionsGoOutAndABadOneIsAnsweredOnItsSocket() throws Exception {
        try (Natrix services = connect();
             Natrix edge = connect();
             RideStack stack = RideStack.services(services, DispatchConfig.defaults(), TokenKeys.reuse(dir.resolve("a")))
                     .withGateway(edge, 0);
             HttpClient client = HttpClient.newHttpClient();
             SimSockets sockets = new SimSockets(bugs::add)) {
            SimHttp driver = signedUpDriver(client, sockets, "http://127.0.0.1:" + stack.port());
            List<String> answers = new CopyOnWriteArrayList<>();
            LocationSocket socket = driver.webSocket(locationsOf(driver), answers::add);
            AtomicInteger ticks = new AtomicInteger();
            AtomicInteger sent = new AtomicInteger();
            SimSockets.Ticked ticked = () -> {
                // the first tick a position out of range, then good ones
                String position = ticks.getAndIncrement() == 0 ? "{\"lat\":200,\"lng\":34.78}" : "{\"lat\":32.08,\"lng\":34.78}";
                socket.send(position, sent::incrementAndGet);
            };
            int slot = sockets.start(ticked);
            await().atMost(5, TimeUnit.SECONDS).until(() -> ticks.get() >= 3);
            sockets.stop(ticked, slot);
            int stoppedAt = ticks.get();

            assertThat(sent.get()).as("every tick's position was written").isGreaterThanOrEqualTo(2);
            await().atMost(5, TimeUnit.SECONDS).until(() -> !answers.isEmpty());
            JsonNode answer = SimHttp.JSON.readTree(answers.getFirst());
            assertThat(answer.path("rejected").asInt()).as(answers.toString()).isEqualTo(1);
            assertThat(answer.path("reason").asText()).contains("lat must be a number from -90 to 90, got 200");
            assertThat(answers).as("only the bad position is answered").hasSize(1);
            Thread.sleep(1_500); // a whole second and a half: a stopped driver would have ticked again by now
            assertThat(ticks.get()).as("no tick once stopped").isEqualTo(stoppedAt);
            assertThat(socket.ended()).as("still open").isNotDone();
        }
    }

    @Test
    void anUpgradeWithoutTheDriversTokenIsRefusedWithItsStatus() throws Exception {
        try (Natrix services = connect();
             Natrix edge = connect();
             RideStack stack = RideStack.services(services, DispatchConfig.defaults(), TokenKeys.reuse(dir.resolve("b")))
                     .withGateway(edge, 0);
             HttpClient client = HttpClient.newHttpClient();
             SimSockets sockets = new SimSockets(bugs::add)) {
            SimHttp driver = signedUpDriver(client, sockets, "http://127.0.0.1:" + stack.port());
            // Helidon answers every upgrade it refuses 400, whatever the reason (the gateway's says 401 in words)
            assertThatThrownBy(() -> sockets.openLocations(locations(driver), Optional.empty(), Optional.empty(), text -> { }))
                    .isInstanceOfSatisfying(SimHttp.Refused.class, refused -> assertThat(refused.status()).isEqualTo(400));
            assertThat(driver.webSocket(locationsOf(driver), text -> { }).ended())
                    .as("with its token it opens").isNotDone();
        }
    }

    @Test
    void aGatewayThatGoesAwayEndsTheSocketAndTheSocketSaysWhy() throws Exception {
        try (Natrix services = connect();
             Natrix edge = connect();
             HttpClient client = HttpClient.newHttpClient();
             SimSockets sockets = new SimSockets(bugs::add)) {
            RideStack stack = RideStack.services(services, DispatchConfig.defaults(), TokenKeys.reuse(dir.resolve("c")))
                    .withGateway(edge, 0);
            LocationSocket socket;
            try (stack) {
                SimHttp driver = signedUpDriver(client, sockets, "http://127.0.0.1:" + stack.port());
                socket = driver.webSocket(locationsOf(driver), text -> { });
                assertThat(socket.ended()).isNotDone();
            }
            String why = socket.ended().get(10, TimeUnit.SECONDS);
            assertThat(why).isNotBlank().doesNotContain("closed by the simulator");
        }
    }

    @Test
    void aLineStreamHandsOnEveryLineAsItComesAndARefusedOneSaysItsStatusAndWords() throws Exception {
        try (Natrix services = connect();
             Natrix edge = connect();
             RideStack stack = RideStack.services(services, DispatchConfig.defaults(), TokenKeys.reuse(dir.resolve("d")))
                     .withGateway(edge, 0);
             HttpClient client = HttpClient.newHttpClient();
             SimSockets sockets = new SimSockets(bugs::add)) {
            SimHttp driver = signedUpDriver(client, sockets, "http://127.0.0.1:" + stack.port());
            SimHttp rider = signedUpRider(client, sockets, "http://127.0.0.1:" + stack.port());
            List<String> lines = new CopyOnWriteArrayList<>();
            List<String> threads = new CopyOnWriteArrayList<>();
            LineStream nearby = rider.lines("/v1/riders/" + rider.userId() + "/nearby?lat=32.08&lng=34.78", true, line -> {
                lines.add(line);
                threads.add(Thread.currentThread().getName());
            });
            await().atMost(10, TimeUnit.SECONDS).until(() -> lines.stream().filter(line -> line.startsWith("data: ")).count() >= 2);
            JsonNode answer = SimHttp.JSON.readTree(lines.stream().filter(line -> line.startsWith("data: ")).findFirst()
                    .orElseThrow().substring("data: ".length()));
            assertThat(answer.has("drivers")).as(answer.toString()).isTrue();
            assertThat(answer.has("error")).as(answer.toString()).isFalse();
            assertThat(threads).as("read on the event loop, no thread woken per line").allMatch(name -> name.startsWith("sim-sockets"));
            nearby.close();
            assertThat(nearby.ended().get(5, TimeUnit.SECONDS)).isEqualTo("closed by the simulator");

            // a rider's token on a driver's stream: the gateway's status and words, before any line
            SimHttp riderAsDriver = rider.named(driver.userId());
            assertThatThrownBy(() -> riderAsDriver.lines("/v1/drivers/" + driver.userId() + "/offers", false, line -> { }))
                    .isInstanceOfSatisfying(SimHttp.Refused.class, refused -> {
                        assertThat(refused.status()).isEqualTo(403);
                        assertThat(refused.getMessage()).contains("GET http://127.0.0.1:" + stack.port() + "/v1/drivers/");
                    });
        }
    }

    private static SimHttp signedUpRider(HttpClient client, SimSockets sockets, String base) throws Exception {
        SimHttp anonymous = new SimHttp(client, sockets, Optional.empty(), base, new SimStats());
        JsonNode signUp = anonymous.post("/v1/riders", Map.of("name", "Rider", "phone", "+972 52 123 4567"), 5);
        return anonymous.as(signUp).named(signUp.get("id").asText());
    }

    private static SimHttp signedUpDriver(HttpClient client, SimSockets sockets, String base) throws Exception {
        SimHttp anonymous = new SimHttp(client, sockets, Optional.empty(), base, new SimStats());
        JsonNode signUp = anonymous.post("/v1/drivers", Map.of("name", "Driver", "phone", "+972 50 123 4567"), 5);
        return anonymous.as(signUp).named(signUp.get("id").asText());
    }

    private static String locationsOf(SimHttp driver) {
        return "/v1/drivers/" + driver.userId() + "/locations";
    }

    private static URI locations(SimHttp driver) {
        return URI.create(driver.base().replaceFirst("^http", "ws") + "/v1/drivers/" + driver.userId() + "/locations");
    }
}
