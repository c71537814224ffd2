package io.natrix.ride.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.Natrix;
import io.natrix.ride.Provision;
import io.natrix.gateway.Gateway;
import io.natrix.ride.dispatch.Dispatch;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.ride.eta.EtaService;
import io.natrix.ride.geo.GeoIndex;
import io.natrix.ride.geo.GeoService;
import io.natrix.ride.users.UsersService;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A whole ride over real HTTP and real NATS: the rider and the driver only ever talk to the gateway. */
class RideApiTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    /** A connection to this class's server, as its admin. */
    private static Natrix connect() {
        return Natrix.builder().servers(nats.url()).credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
    }

    @BeforeAll
    static void provision() {
        Provision.storage(nats, 1);
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aRiderRequestsADriverAcceptsPicksUpAndCompletesThroughTheGateway() throws Exception {
        try (Natrix services = connect();
             Natrix edge = connect()) {
            UsersService.start(services);
            GeoService.start(services, new GeoIndex(Duration.ofSeconds(30), System::currentTimeMillis));
            EtaService.startQuick(services);
            EtaService.startCareful(services, Duration.ofMillis(20));
            try (Dispatch _ = Dispatch.start(services, DispatchConfig.defaults());
                 Gateway gateway = RideApi.routes(Gateway.builder(edge).port(0)).start()) {
                String base = "http://127.0.0.1:" + gateway.port();

                JsonNode rider = post(base + "/v1/riders", "{\"name\":\"Ada\",\"phone\":\"+972 50 000 0001\"}");
                JsonNode driver = post(base + "/v1/drivers", "{\"name\":\"Dov\",\"phone\":\"+972 50 000 0002\"}");
                assertThat(rider.get("role").asText()).isEqualTo("RIDER");
                assertThat(driver.get("role").asText()).isEqualTo("DRIVER");
                String riderId = rider.get("id").asText();
                String driverId = driver.get("id").asText();
                assertThat(get(base + "/v1/users/" + driverId).get("name").asText()).isEqualTo("Dov");

                // the driver streams positions over a WebSocket, whose offers come back on it; an NDJSON offers
                // stream gets them too
                LinkedBlockingQueue<String> onSocket = new LinkedBlockingQueue<>();
                WebSocket locations = HTTP.newWebSocketBuilder().buildAsync(
                        URI.create("ws://127.0.0.1:" + gateway.port() + "/v1/drivers/" + driverId + "/locations"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                onSocket.add(data.toString());
                                webSocket.request(1);
                                return null;
                            }
                        }).get(5, TimeUnit.SECONDS);
                locations.sendText("{\"lat\":32.0860,\"lng\":34.7825}", true).get();
                post(base + "/v1/drivers/" + driverId + "/availability", "{\"available\":true}"); // online
                HttpResponse<Stream<String>> offers = HTTP.send(HttpRequest.newBuilder(
                        URI.create(base + "/v1/drivers/" + driverId + "/offers")).build(), HttpResponse.BodyHandlers.ofLines());

                // the rider sees the driver nearby, with a pick-up time, then requests
                HttpResponse<Stream<String>> nearby = HTTP.send(HttpRequest.newBuilder(
                                URI.create(base + "/v1/riders/" + riderId + "/nearby?lat=32.0853&lng=34.7818"))
                        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
                JsonNode seen = null;
                Stream<String> nearbyEvents = nearby.body(); // kept open: the rider's rides come on it too
                Iterator<String> nearbyLines = nearbyEvents.iterator();
                while (seen == null || seen.get("drivers").isEmpty()) {
                    String line = nearbyLines.next();
                    if (line.startsWith("data: ")) {
                        seen = JSON.readTree(line.substring(6));
                    }
                }
                assertThat(seen.at("/drivers/0/driverId").asText()).isEqualTo(driverId);
                assertThat(seen.at("/drivers/0/etaSeconds").asLong()).isPositive();

                HttpResponse<Stream<String>> riderUpdates = HTTP.send(HttpRequest.newBuilder(
                        URI.create(base + "/v1/riders/" + riderId + "/rides")).build(), HttpResponse.BodyHandlers.ofLines());
                JsonNode ride = post(base + "/v1/rides", "{\"riderId\":\"" + riderId + "\",\"lat\":32.0853,\"lng\":34.7818}");
                String rideId = ride.get("rideId").asText();

                try (Stream<String> offerLines = offers.body()) {
                    JsonNode offer = JSON.readTree(offerLines.filter(line -> !line.isBlank()).findFirst().orElseThrow());
                    assertThat(offer.get("rideId").asText()).isEqualTo(rideId);
                }
                String socketOffer = onSocket.poll(5, TimeUnit.SECONDS);
                assertThat(socketOffer).as("the offer on the driver's location socket").isNotNull();
                assertThat(JSON.readTree(socketOffer).get("rideId").asText()).isEqualTo(rideId);
                assertThat(post(base + "/v1/rides/" + rideId + "/answer", "{\"driverId\":\"" + driverId + "\",\"accept\":true}")
                        .get("status").asText()).isEqualTo("ACCEPTED");
                assertThat(post(base + "/v1/rides/" + rideId + "/pickup", "{\"driverId\":\"" + driverId + "\"}")
                        .get("status").asText()).isEqualTo("PICKED_UP");
                assertThat(post(base + "/v1/rides/" + rideId + "/dropoff", "{\"driverId\":\"" + driverId + "\"}")
                        .get("status").asText()).isEqualTo("COMPLETED");

                try (Stream<String> updates = riderUpdates.body()) {
                    assertThat(updates.filter(line -> !line.isBlank()).map(line -> line.replaceAll(".*\"status\":\"([A-Z_]+)\".*", "$1"))
                            .takeWhile(status -> !status.equals("COMPLETED")).toList())
                            .containsExactly("REQUESTED", "OFFERED", "ACCEPTED", "PICKED_UP");
                }
                // the same updates on the rider's one stream, between its nearby answers
                List<String> onNearby = new java.util.ArrayList<>();
                try (nearbyEvents) {
                    while (!onNearby.contains("COMPLETED")) {
                        String line = nearbyLines.next();
                        if (line.startsWith("data: ") && line.contains("\"rideId\"")) {
                            JsonNode update = JSON.readTree(line.substring(6));
                            assertThat(update.get("rideId").asText()).isEqualTo(rideId);
                            onNearby.add(update.get("status").asText());
                        }
                    }
                }
                assertThat(onNearby).containsExactly("REQUESTED", "OFFERED", "ACCEPTED", "PICKED_UP", "COMPLETED");
                assertThat(get(base + "/v1/rides/" + rideId).get("status").asText()).isEqualTo("COMPLETED");
                locations.sendClose(WebSocket.NORMAL_CLOSURE, "shift over").get(5, TimeUnit.SECONDS);
            }
        }
    }

    static JsonNode post(String url, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + " → " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static JsonNode get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + " → " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
