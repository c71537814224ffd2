package io.natrix.ride.api;

import io.natrix.ride.geo.GeoApi;
import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.ListenerStats;
import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.ServiceException;
import io.natrix.ride.geo.GeoMessages.NearbyDrivers;
import io.natrix.ride.geo.GeoMessages.NearbyRequest;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static io.natrix.ride.api.RideApiTest.HTTP;
import static io.natrix.ride.api.RideApiTest.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Every numeric input of the ride API is checked at the edge (400 naming the field and its range, the service never
 * asked) and again by the service that receives it (400, never a timeout), with the same words: the wire records
 * state their rules once, in their constructors.
 */
class RideApiValidationTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    static ApiStack stack;
    static Natrix edge;
    static Service geo;
    static String base;

    @BeforeAll
    static void start() {
        stack = new ApiStack(nats);
        edge = stack.edge;
        geo = stack.geo;
        base = stack.base;
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void aNearbyStreamWithBadNumbersIsRefusedBeforeItOpens() throws Exception {
        assertRefused(get("/v1/riders/r1/nearby?lat=200&lng=34.78"), "lat must be a number from -90 to 90, got 200");
        assertRefused(get("/v1/riders/r1/nearby?lat=32.08&lng=-180.5"), "lng must be a number from -180 to 180, got -180.5");
        assertRefused(get("/v1/riders/r1/nearby?lng=34.78"), "lat is required");
        assertRefused(get("/v1/riders/r1/nearby?lat=north&lng=34.78"), "lat must be a number, got north");
        assertRefused(get("/v1/riders/r1/nearby?lat=NaN&lng=34.78"), "lat must be a number from -90 to 90, got NaN");
        assertRefused(get("/v1/riders/r1/nearby?lat=32.08&lng=34.78&radiusMeters=50000"),
                "radiusMeters must be a number from 100 to 10000, got 50000");
        assertRefused(get("/v1/riders/r1/nearby?lat=32.08&lng=34.78&limit=0"), "limit must be a number from 1 to 50, got 0");

        HttpResponse<java.util.stream.Stream<String>> fine = HTTP.send(HttpRequest.newBuilder(
                URI.create(base + "/v1/riders/r1/nearby?lat=32.08&lng=34.78&radiusMeters=500&limit=3")).build(),
                HttpResponse.BodyHandlers.ofLines());
        try (var lines = fine.body()) {
            assertThat(fine.statusCode()).isEqualTo(200);
            JsonNode first = JSON.readTree(lines.filter(line -> !line.isBlank()).findFirst().orElseThrow());
            assertThat(first.has("error")).as(first.toString()).isFalse();
            assertThat(first.get("drivers").isArray()).isTrue();
        }
    }

    @Test
    void aRideRequestWithBadCoordinatesIsRefusedNamingTheField() throws Exception {
        assertRefused(post("/v1/rides", "{\"riderId\":\"r1\",\"lat\":32.08,\"lng\":181}"),
                "lng must be a number from -180 to 180, got 181");
        assertRefused(post("/v1/rides", "{\"riderId\":\"r1\",\"lat\":32.08}"), "lng is required");
        assertRefused(post("/v1/rides/some-ride/answer", "{\"driverId\":\"d1\",\"accept\":\"maybe\"}"), "accept");
    }

    @Test
    void aPositionWithBadCoordinatesIsRejectedWithTheRuleAndNeverPublished() throws Exception {
        for (String driver : List.of("d-ndjson", "d-ws")) { // both online: only a rejected position keeps one out
            assertThat(post("/v1/drivers/" + driver + "/availability", "{\"available\":true}").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> summary = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/drivers/d-ndjson/locations"))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"lat":32.0801,"lng":34.7801}
                        {"lat":200,"lng":34.78}
                        {"lat":32.08,"lng":"east"}
                        """)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(summary.body());
        assertThat(answer.get("accepted").asLong()).as(summary.body()).isEqualTo(1);
        assertThat(answer.get("rejected").asLong()).isEqualTo(2);
        assertThat(answer.get("errors").toString())
                .contains("line 2: lat must be a number from -90 to 90, got 200")
                .contains("line 3: lng must be a number, got east");

        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket socket = HTTP.newWebSocketBuilder().buildAsync(URI.create(base.replace("http", "ws")
                + "/v1/drivers/d-ws/locations"), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                reply.complete(data.toString());
                return null;
            }
        }).get(5, TimeUnit.SECONDS);
        socket.sendText("{\"lat\":-91,\"lng\":34.78}", true).get();
        assertThat(reply.get(5, TimeUnit.SECONDS)).contains("\"rejected\":1").contains("lat must be a number from -90 to 90, got -91");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(5)).until(() -> nearby(32.08, 34.78).drivers().stream()
                .anyMatch(d -> d.driverId().equals("d-ndjson")));
        assertThat(nearby(32.08, 34.78).drivers()).extracting(d -> d.driverId()).doesNotContain("d-ws");
    }

    @Test
    void servicesRefuseTheSameInputsThemselvesWith400NotATimeout() {
        assertServiceRefuses("ms.dispatch.NearbyDrivers", "{\"lat\":200,\"lng\":34.78}",
                "lat must be a number from -90 to 90, got 200");
        assertServiceRefuses("ms.dispatch.RequestRide", "{\"riderId\":\"r1\",\"lat\":32.08,\"lng\":1e9}",
                "lng must be a number from -180 to 180, got 1000000000");
        assertServiceRefuses(GeoApi.NEARBY, "{\"lat\":32.08,\"lng\":34.78,\"radiusMeters\":-1,\"limit\":5}",
                "radiusMeters must be a number from 100 to 10000, got -1");
        assertServiceRefuses(GeoApi.NEARBY, "{\"lng\":34.78,\"radiusMeters\":500}", "lat is required");
    }

    @Test
    void geoDropsABroadcastPositionThatBreaksTheRulesAndSaysSo() {
        long errorsBefore = positionListener().errors();
        edge.publish(GeoApi.POSITIONS + ".ghost", "{\"driverId\":\"ghost\",\"lat\":500,\"lng\":34.78}".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(5)).until(() -> positionListener().errors() == errorsBefore + 1);
        assertThat(positionListener().lastError()).hasValueSatisfying(error ->
                assertThat(error).contains("lat must be a number from -90 to 90, got 500"));
        assertThat(nearby(32.08, 34.78).drivers()).extracting(d -> d.driverId()).doesNotContain("ghost");
    }

    private static ListenerStats positionListener() {
        return geo.listeners().stream().filter(l -> l.subject().startsWith(GeoApi.POSITIONS)).findFirst().orElseThrow();
    }

    private static NearbyDrivers nearby(double lat, double lng) {
        return edge.call(GeoApi.NEARBY, new NearbyRequest(lat, lng, 2_000, 50), NearbyDrivers.class, Duration.ofSeconds(2));
    }

    private static void assertServiceRefuses(String subject, String json, String rule) {
        long started = System.nanoTime();
        assertThatThrownBy(() -> edge.call(subject, json.getBytes(StandardCharsets.UTF_8), byte[].class, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(rule);
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered, not timed out").isLessThan(Duration.ofSeconds(4));
    }

    private static void assertRefused(HttpResponse<String> response, String rule) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").asInt()).isEqualTo(400);
        assertThat(body.get("message").asText()).contains(rule);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
