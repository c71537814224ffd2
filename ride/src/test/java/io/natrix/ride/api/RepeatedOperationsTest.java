package io.natrix.ride.api;

import io.natrix.ride.geo.GeoApi;
import io.natrix.ride.geo.GeoMessages.DriverAvailability;
import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.ride.geo.GeoMessages.DriverPosition;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static io.natrix.ride.api.RideApiTest.HTTP;
import static io.natrix.ride.api.RideApiTest.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every ride operation an app sends can be sent again, as an app does after an answer it never got: with the
 * same request id, a sign-up or a ride request answers the same user or ride (never a second one); a step that
 * was applied (answer, pick-up, drop-off, cancel) answers the ride as it is, never a 409 for the app's own
 * success; the same id with another request is a 409 that says so.
 */
class RepeatedOperationsTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    static ApiStack stack;

    @BeforeAll
    static void start() {
        stack = new ApiStack(nats);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void aSignUpSentTwiceIsOneUser() throws Exception {
        String key = UUID.randomUUID().toString();
        JsonNode first = post("/v1/riders", key, "{\"name\":\"Ada\",\"phone\":\"+972 50 000 0001\"}");
        JsonNode again = post("/v1/riders", key, "{\"name\":\"Ada\",\"phone\":\"+972 50 000 0001\"}");
        assertThat(again.get("id").asText()).isEqualTo(first.get("id").asText());
        assertThat(again.get("createdAt").asLong()).isEqualTo(first.get("createdAt").asLong());

        HttpResponse<String> other = send("/v1/riders", key, "{\"name\":\"Bob\",\"phone\":\"+972 50 000 0002\"}");
        assertThat(other.statusCode()).as(other.body()).isEqualTo(409);
        assertThat(other.body()).contains("request id already used");
        assertThat(post("/v1/riders", UUID.randomUUID().toString(), "{\"name\":\"Ada\",\"phone\":\"+972 50 000 0001\"}")
                .get("id").asText()).as("another request id, another user").isNotEqualTo(first.get("id").asText());
    }

    @Test
    void aWholeRideWithEveryStepSentTwiceAppliesEachOnce() throws Exception {
        String riderId = post("/v1/riders", key(), "{\"name\":\"Ada\",\"phone\":\"+972 50 000 0001\"}").get("id").asText();
        String driverId = post("/v1/drivers", key(), "{\"name\":\"Dov\",\"phone\":\"+972 50 000 0002\"}").get("id").asText();
        stack.services.publish(GeoApi.AVAILABILITY + "." + driverId, new DriverAvailability(driverId, true, System.currentTimeMillis()));
        stack.services.publish(GeoApi.POSITIONS + "." + driverId, new DriverPosition(driverId, 32.0801, 34.7801, 0));

        String request = key();
        String rideBody = "{\"riderId\":\"" + riderId + "\",\"lat\":32.08,\"lng\":34.78}";
        String rideId = post("/v1/rides", request, rideBody).get("rideId").asText();
        assertThat(post("/v1/rides", request, rideBody).get("rideId").asText()).as("the same ride").isEqualTo(rideId);

        await().atMost(Duration.ofSeconds(10)).until(() -> get("/v1/rides/" + rideId).get("status").asText().equals("OFFERED"));
        String accept = "{\"driverId\":\"" + driverId + "\",\"accept\":true}";
        String acceptKey = key();
        assertThat(post("/v1/rides/" + rideId + "/answer", acceptKey, accept).get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(post("/v1/rides/" + rideId + "/answer", acceptKey, accept).get("status").asText()).isEqualTo("ACCEPTED");
        String step = "{\"driverId\":\"" + driverId + "\"}";
        String pickUp = key();
        assertThat(post("/v1/rides/" + rideId + "/pickup", pickUp, step).get("status").asText()).isEqualTo("PICKED_UP");
        assertThat(post("/v1/rides/" + rideId + "/pickup", pickUp, step).get("status").asText()).isEqualTo("PICKED_UP");
        String dropOff = key();
        assertThat(post("/v1/rides/" + rideId + "/dropoff", dropOff, step).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(post("/v1/rides/" + rideId + "/dropoff", dropOff, step).get("status").asText()).isEqualTo("COMPLETED");

        HttpResponse<String> notItsStep = send("/v1/rides/" + rideId + "/cancel", key(), "{\"riderId\":\"" + riderId + "\"}");
        assertThat(notItsStep.statusCode()).as("a cancel after the ride ended is still refused").isEqualTo(409);
    }

    @Test
    void aCancelSentTwiceAnswersTheCancelledRide() throws Exception {
        String riderId = post("/v1/riders", key(), "{\"name\":\"Cy\",\"phone\":\"+972 50 000 0003\"}").get("id").asText();
        String rideId = post("/v1/rides", key(), "{\"riderId\":\"" + riderId + "\",\"lat\":40.0,\"lng\":-73.9}").get("rideId").asText();
        String cancel = key();
        String body = "{\"riderId\":\"" + riderId + "\"}";
        assertThat(post("/v1/rides/" + rideId + "/cancel", cancel, body).get("status").asText()).isEqualTo("CANCELLED");
        assertThat(post("/v1/rides/" + rideId + "/cancel", cancel, body).get("status").asText()).isEqualTo("CANCELLED");
        HttpResponse<String> someoneElse = send("/v1/rides/" + rideId + "/cancel", key(), "{\"riderId\":\"intruder\"}");
        assertThat(someoneElse.statusCode()).as("someone else's ride is as if it did not exist: " + someoneElse.body()).isEqualTo(404);
    }

    private static String key() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static HttpResponse<String> send(String path, String requestId, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.base + path)).header("Content-Type", "application/json")
                .header("X-Request-Id", requestId).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode post(String path, String requestId, String body) throws Exception {
        HttpResponse<String> response = send(path, requestId, body);
        assertThat(response.statusCode()).as(path + " → " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode get(String path) throws Exception {
        return RideApiTest.get(stack.base + path);
    }
}
