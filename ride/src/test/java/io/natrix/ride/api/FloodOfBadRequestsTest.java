package io.natrix.ride.api;

import io.natrix.ride.geo.GeoApi;
import io.natrix.ride.geo.GeoMessages.DriverAvailability;
import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.Natrix;
import io.natrix.NatrixException;
import io.natrix.ServiceException;
import io.natrix.ride.geo.GeoMessages.DriverPosition;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.natrix.ride.api.RideApiTest.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One client's mistakes never cost another client its answers: while valid riders stream nearby drivers from a
 * system that has only just started (every JVM cold, every rider connecting at once), a flood of nearby requests
 * with bad coordinates hits the gateway (refused at the edge) and dispatch itself over NATS through the gateway's
 * own connection (refused by dispatch). The valid riders get no 503: no circuit breaker opens for them.
 */
class FloodOfBadRequestsTest {

    private static final int RIDERS = 60;
    private static final Duration RUN = Duration.ofSeconds(8);

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    @Test
    void validRidersGetNo503WhileBadRequestsFloodAColdSystem() throws Exception {
        try (ApiStack stack = new ApiStack(nats);
             HttpClient http = HttpClient.newHttpClient();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Natrix services = stack.services;
            Natrix edge = stack.edge;
            String base = stack.base;
            services.publish(GeoApi.AVAILABILITY + ".d1", new DriverAvailability("d1", true, System.currentTimeMillis()));
            services.publish(GeoApi.POSITIONS + ".d1", new DriverPosition("d1", 32.0801, 34.7801, 0));
            long until = System.nanoTime() + RUN.toNanos();

            Map<Integer, Long> answers = new ConcurrentHashMap<>();
            List<String> errorLines = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < RIDERS; i++) {
                int rider = i;
                threads.submit(() -> followNearby(http, base + "/v1/riders/valid-" + rider + "/nearby?lat=32.08&lng=34.78",
                        until, line -> {
                            if (line.has("error")) {
                                errorLines.add(line.toString());
                            } else {
                                answers.merge(rider, 1L, Long::sum);
                            }
                        }));
            }
            AtomicLong refusedAtEdge = new AtomicLong();
            AtomicLong refusedByDispatch = new AtomicLong();
            AtomicLong otherwise = new AtomicLong();
            for (int i = 0; i < 4; i++) {
                int flooder = i;
                threads.submit(() -> {
                    while (System.nanoTime() < until) {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base
                                + "/v1/riders/bad-" + flooder + "/nearby?lat=200&lng=34.78")).build(),
                                HttpResponse.BodyHandlers.ofString());
                        (response.statusCode() == 400 ? refusedAtEdge : otherwise).incrementAndGet();
                    }
                    return null;
                });
                threads.submit(() -> {
                    byte[] bad = "{\"lat\":-95,\"lng\":34.78}".getBytes(StandardCharsets.UTF_8);
                    while (System.nanoTime() < until) {
                        try {
                            edge.call("ms.dispatch.NearbyDrivers", bad, byte[].class, Duration.ofSeconds(2));
                            otherwise.incrementAndGet();
                        } catch (ServiceException e) {
                            (e.code() == 400 ? refusedByDispatch : otherwise).incrementAndGet();
                        } catch (NatrixException e) {
                            otherwise.incrementAndGet(); // a timeout, or a breaker open for the whole connection
                        }
                    }
                    return null;
                });
            }
            threads.shutdown();
            assertThat(threads.awaitTermination(RUN.toSeconds() + 30, TimeUnit.SECONDS)).isTrue();

            assertThat(refusedAtEdge.get()).as("bad requests refused at the edge").isGreaterThan(100);
            assertThat(refusedByDispatch.get()).as("bad requests refused by dispatch").isGreaterThan(100);
            assertThat(otherwise.get()).as("bad requests answered otherwise than 400").isZero();
            assertThat(errorLines).as("a valid rider got an error").noneMatch(line -> line.contains("\"status\":503"));
            assertThat(errorLines).as("error lines of valid riders").isEmpty();
            assertThat(answers).as("riders that got answers").hasSize(RIDERS);
            long seconds = RUN.toSeconds();
            assertThat(answers.values()).as("answers per rider in %d s", seconds).allMatch(n -> n >= seconds / 2);
        }
    }

    /** Reads one nearby stream until the deadline, each JSON line to {@code sink}. */
    private static Void followNearby(HttpClient http, String url, long until, Consumer<JsonNode> sink)
            throws IOException, InterruptedException {
        HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        try (Stream<String> lines = response.body()) {
            Iterator<String> it = lines.iterator();
            while (System.nanoTime() < until && it.hasNext()) {
                String line = it.next();
                if (!line.isBlank()) {
                    sink.accept(JSON.readTree(line));
                }
            }
        }
        return null;
    }
}
