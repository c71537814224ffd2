package io.natrix.ride.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.Actor;
import io.natrix.Natrix;
import io.natrix.RequestContext;
import io.natrix.ServiceException;
import io.natrix.gateway.TokenIssuer;
import io.natrix.gateway.TokenKeys;
import io.natrix.ride.RideStack;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.ride.dispatch.RideMessages.GetRide;
import io.natrix.ride.dispatch.RideMessages.Ride;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ride's rules over real HTTP with tokens, on the whole system: a rider and a driver act only as themselves,
 * someone else's ride is a 404 exactly like a missing one, one active ride per rider, a phone only for its owner
 * and admins; and every refused attempt leaves the victim's state as it was (read back with the victim's token).
 */
class RideAuthTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    @TempDir
    static Path dir;

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static Natrix services;
    static Natrix edge;
    static RideStack stack;
    static String base;
    static String admin;

    @BeforeAll
    static void start() {
        TokenKeys keys = TokenKeys.reuse(dir.resolve("tokens"));
        admin = TokenIssuer.load(keys.signingKey()).issue(new Actor(Actor.ADMIN, "ops"), Duration.ofHours(1)).value();
        services = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).drainTimeout(Duration.ofSeconds(2)).connect();
        edge = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).drainTimeout(Duration.ofSeconds(2)).connect();
        stack = RideStack.services(services, DispatchConfig.defaults(), keys).withGateway(edge, 0);
        base = "http://127.0.0.1:" + stack.port();
    }

    @AfterAll
    static void stop() {
        stack.close();
        edge.close();
        services.close();
    }

    record User(String id, String token) {
    }

    static User signUp(String who, String name, String phone) throws Exception {
        JsonNode answer = JSON.readTree(send("POST", "/v1/" + who, null, "{\"name\":\"" + name + "\",\"phone\":\"" + phone + "\"}").body());
        assertThat(answer.get("token").asText()).as("a sign-up answers its token").isNotBlank();
        assertThat(answer.get("tokenExpiresAt").asText()).isNotBlank();
        return new User(answer.get("id").asText(), answer.get("token").asText());
    }

    static HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.uri() + " → " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static String message(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).get("message").asText();
    }

    static HttpResponse<Stream<String>> stream(String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofLines());
    }

    @Test
    void everyoneActsAsThemselvesAndSomeoneElsesRideIsNotThere() throws Exception {
        User ada = signUp("riders", "Ada", "+972 50 000 0001");
        User bob = signUp("riders", "Bob", "+972 50 000 0002");
        User dov = signUp("drivers", "Dov", "+972 50 000 0003");
        User eve = signUp("drivers", "Eve", "+972 50 000 0004");

        assertThat(send("GET", "/v1/users/" + ada.id(), null, null).statusCode()).as("no token").isEqualTo(401);
        assertThat(send("GET", "/v1/riders/" + ada.id() + "/nearby?lat=32.08&lng=34.78", bob.token(), null).statusCode())
                .as("another rider's nearby stream").isEqualTo(403);
        assertThat(stream("/v1/riders/" + ada.id() + "/rides", bob.token()).statusCode()).as("another rider's rides").isEqualTo(403);
        assertThat(stream("/v1/drivers/" + dov.id() + "/offers", eve.token()).statusCode()).as("another driver's offers").isEqualTo(403);

        // the driver's position goes in on its own stream only
        URI dovsLocations = URI.create("ws://127.0.0.1:" + stack.port() + "/v1/drivers/" + dov.id() + "/locations");
        assertThatThrownBy(() -> HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + eve.token())
                .buildAsync(dovsLocations, new WebSocket.Listener() { }).join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
        WebSocket locations = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + dov.token())
                .buildAsync(dovsLocations, new WebSocket.Listener() { }).get(5, TimeUnit.SECONDS);
        locations.sendText("{\"lat\":32.0860,\"lng\":34.7825}", true).get();
        HttpResponse<Stream<String>> offers = stream("/v1/drivers/me/offers", dov.token());
        assertThat(offers.statusCode()).isEqualTo(200);
        assertThat(send("POST", "/v1/drivers/" + dov.id() + "/availability", eve.token(), "{\"available\":true}").statusCode())
                .as("another driver's availability").isEqualTo(403);
        ok(send("POST", "/v1/drivers/me/availability", dov.token(), "{\"available\":true}"));
        awaitNearbyDriver(ada, dov.id());

        // the body cannot choose who acts: Ada's request names Bob, the ride is Ada's
        JsonNode ride = ok(send("POST", "/v1/rides", ada.token(), "{\"riderId\":\"" + bob.id() + "\",\"lat\":32.0853,\"lng\":34.7818}"));
        String rideId = ride.get("rideId").asText();
        assertThat(ride.get("riderId").asText()).isEqualTo(ada.id());
        HttpResponse<String> second = send("POST", "/v1/rides", ada.token(), "{\"lat\":32.0853,\"lng\":34.7818}");
        assertThat(second.statusCode()).as("one active ride per rider").isEqualTo(409);
        assertThat(message(second)).contains(rideId);

        // someone else's ride is exactly a missing one
        HttpResponse<String> missing = send("GET", "/v1/rides/no-such-ride", bob.token(), null);
        HttpResponse<String> foreign = send("GET", "/v1/rides/" + rideId, bob.token(), null);
        assertThat(foreign.statusCode()).isEqualTo(missing.statusCode()).isEqualTo(404);
        assertThat(message(foreign)).isEqualTo(message(missing).replace("no-such-ride", rideId));
        assertThat(send("POST", "/v1/rides/" + rideId + "/cancel", bob.token(), "{\"riderId\":\"" + ada.id() + "\"}").statusCode())
                .as("Bob cancels Ada's ride in her name").isEqualTo(404);
        assertThat(send("POST", "/v1/rides/" + rideId + "/cancel", dov.token(), "{}").statusCode()).as("a driver cancels").isEqualTo(403);

        try (Stream<String> offerLines = offers.body()) {
            JsonNode offer = JSON.readTree(offerLines.filter(line -> !line.isBlank()).findFirst().orElseThrow());
            assertThat(offer.get("rideId").asText()).isEqualTo(rideId);
        }
        assertThat(send("POST", "/v1/rides/" + rideId + "/answer", eve.token(), "{\"driverId\":\"" + dov.id() + "\",\"accept\":true}")
                .statusCode()).as("Eve accepts Dov's offer in his name").isEqualTo(404);
        assertThat(send("GET", "/v1/rides/" + rideId, eve.token(), null).statusCode()).as("a driver it was never offered to").isEqualTo(404);
        assertThat(ok(send("GET", "/v1/rides/" + rideId, ada.token(), null)).get("status").asText())
                .as("after every refused attempt, the ride is as it was").isEqualTo("OFFERED");

        assertThat(ok(send("POST", "/v1/rides/" + rideId + "/answer", dov.token(), "{\"accept\":true}")).get("status").asText())
                .isEqualTo("ACCEPTED");
        assertThat(ok(send("GET", "/v1/rides/" + rideId, dov.token(), null)).get("driverId").asText()).isEqualTo(dov.id());
        assertThat(send("POST", "/v1/rides/" + rideId + "/pickup", eve.token(), "{\"driverId\":\"" + dov.id() + "\"}").statusCode())
                .isEqualTo(404);
        assertThat(ok(send("GET", "/v1/rides/" + rideId, admin, null)).get("status").asText()).as("the admin sees it").isEqualTo("ACCEPTED");
        assertThat(ok(send("POST", "/v1/rides/" + rideId + "/pickup", dov.token(), "{}")).get("status").asText()).isEqualTo("PICKED_UP");
        assertThat(ok(send("POST", "/v1/rides/" + rideId + "/dropoff", dov.token(), "{}")).get("status").asText()).isEqualTo("COMPLETED");
        ok(send("POST", "/v1/rides", ada.token(), "{\"lat\":32.0853,\"lng\":34.7818}")); // the ride ended: another may start
        locations.sendClose(WebSocket.NORMAL_CLOSURE, "shift over").get(5, TimeUnit.SECONDS);
    }

    @Test
    void aPhoneIsShownToItsOwnerAndAdminsOnly() throws Exception {
        User ada = signUp("riders", "Ada", "+972 50 000 0011");
        User dov = signUp("drivers", "Dov", "+972 50 000 0013");
        assertThat(ok(send("GET", "/v1/users/" + ada.id(), ada.token(), null)).get("phone").asText()).isEqualTo("+972 50 000 0011");
        JsonNode seenByDriver = ok(send("GET", "/v1/users/" + ada.id(), dov.token(), null));
        assertThat(seenByDriver.get("name").asText()).isEqualTo("Ada");
        assertThat(seenByDriver.path("phone").isNull() || seenByDriver.path("phone").isMissingNode()).as(seenByDriver.toString()).isTrue();
        assertThat(ok(send("GET", "/v1/users/" + ada.id(), admin, null)).get("phone").asText()).isEqualTo("+972 50 000 0011");
        assertThat(send("GET", "/dashboard/live", ada.token(), null).statusCode()).as("the dashboard is the admins'").isEqualTo(403);
    }

    @Test
    void dispatchChecksTheActorItselfBehindTheGateway() throws Exception {
        User ada = signUp("riders", "Ada", "+972 50 000 0021");
        User bob = signUp("riders", "Bob", "+972 50 000 0022");
        String rideId = ok(send("POST", "/v1/rides", ada.token(), "{\"lat\":32.0853,\"lng\":34.7818}")).get("rideId").asText();
        // as if a gateway had let Bob's request through: dispatch refuses it on its own
        RequestContext asBob = RequestContext.of(Map.of(RequestContext.ACTOR, "RIDER:" + bob.id()));
        assertThatThrownBy(() -> asBob.call(() -> edge.call("ms.dispatch.GetRide", new GetRide(rideId), Ride.class, Duration.ofSeconds(3))))
                .isInstanceOf(ServiceException.class).hasMessageContaining("no ride " + rideId);
        assertThatThrownBy(() -> asBob.call(() -> edge.call("ms.dispatch.CancelRide", Map.of("rideId", rideId, "riderId", ada.id()),
                Ride.class, Duration.ofSeconds(3)))).isInstanceOf(ServiceException.class).hasMessageContaining("acts for RIDER:" + bob.id());
        assertThat(ok(send("GET", "/v1/rides/" + rideId, ada.token(), null)).get("status").asText()).isNotEqualTo("CANCELLED");
        ok(send("POST", "/v1/rides/" + rideId + "/cancel", ada.token(), "{}"));
    }

    private static void awaitNearbyDriver(User rider, String driverId) throws Exception {
        HttpResponse<Stream<String>> nearby = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/riders/me/nearby?lat=32.0853&lng=34.7818"))
                .header("Authorization", "Bearer " + rider.token()).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(nearby.statusCode()).isEqualTo(200);
        try (Stream<String> events = nearby.body()) {
            Iterator<String> lines = events.iterator();
            while (true) {
                String line = lines.next();
                if (line.startsWith("data: ") && JSON.readTree(line.substring(6)).path("drivers").toString().contains(driverId)) {
                    return;
                }
            }
        }
    }
}
