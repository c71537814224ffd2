package io.natrix.ride.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Dispatcher;
import io.natrix.Natrix;
import io.natrix.gateway.Gateway;
import io.natrix.ride.geo.GeoRegions;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static io.natrix.ride.api.RideApiTest.HTTP;
import static io.natrix.ride.api.RideApiTest.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's side of geo sharded by place: with regions, a driver's position goes to its region's batch, and
 * to a neighbour's ring when it is near the border ({@code PositionRegions}); a position without coordinates,
 * or off the map, is refused with the field's words and published nowhere.
 */
class RegionalPositionsTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    static final GeoRegions REGIONS = GeoRegions.parse("north:32.0,34.0,33.0,36.0;south:31.0,34.0,32.0,36.0");

    /** A connection to this class's server, as its admin. */
    private static Natrix connect() {
        return Natrix.builder().servers(nats.url()).credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
    }

    @Test
    void eachPositionGoesToItsRegionAndANearOneToTheNeighboursRingToo() throws Exception {
        try (Natrix edge = connect();
             Natrix listener = connect();
             Gateway gateway = RideApi.routes(Gateway.builder(edge).port(0), Optional.of(REGIONS)).start()) {
            Map<String, List<String>> drivers = new ConcurrentHashMap<>(); // subject -> driver ids, in order
            Dispatcher heard = listener.nats().createDispatcher(message -> {
                for (String line : new String(message.getData(), StandardCharsets.UTF_8).split("\n")) {
                    try {
                        drivers.computeIfAbsent(message.getSubject(), s -> new java.util.concurrent.CopyOnWriteArrayList<>())
                                .add(JSON.readTree(line).get("lat").asText());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            heard.subscribe("ms.geo.>");
            listener.nats().flush(Duration.ofSeconds(2));

            HttpResponse<String> summary = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                            + "/v1/drivers/d1/locations"))
                    .header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"lat":32.6,"lng":35.0}
                            {"lat":31.97,"lng":35.0}
                            {"lat":500,"lng":35.0}
                            {"lat":32.5}
                            """)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = JSON.readTree(summary.body());
            assertThat(answer.get("accepted").asLong()).as(summary.body()).isEqualTo(2);
            assertThat(answer.get("rejected").asLong()).isEqualTo(2);
            assertThat(answer.get("errors").toString()).contains("lat must be a number from -90 to 90, got 500")
                    .contains("lng is required");

            await().atMost(Duration.ofSeconds(5)).until(() -> drivers.values().stream().mapToInt(List::size).sum() == 3);
            assertThat(new TreeMap<>(drivers)).isEqualTo(new TreeMap<>(Map.of(
                    "ms.geo.UpdatePoint.north.batch", List.of("32.6"),
                    "ms.geo.UpdatePoint.south.batch", List.of("31.97"),
                    "ms.geo.Ring.north.batch", List.of("31.97"))));
        }
    }
}
