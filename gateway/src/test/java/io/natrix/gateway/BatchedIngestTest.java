package io.natrix.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Dispatcher;
import io.natrix.Natrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A batched publish stream ({@link StreamRoute#batched}): many clients' events, few NATS messages, none lost. */
class BatchedIngestTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    static final ObjectMapper JSON = new ObjectMapper();
    static Natrix natrix;
    static Gateway gateway;

    /** One message on the batch subject: its subject and its lines. */
    record Batch(String subject, int bytes, List<JsonNode> events) {
    }

    @BeforeAll
    static void start() {
        natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
        gateway = Gateway.builder(natrix).port(0)
                .stream(StreamRoute.publish("/v1/drivers/{driverId}/locations", "ms.pos.{driverId}")
                        .batched("ms.pos.batch", Duration.ofMillis(50)))
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        natrix.close();
    }

    /** Collects every message on {@code ms.pos.>} until closed. */
    static final class Batches implements AutoCloseable {
        final List<Batch> received = new CopyOnWriteArrayList<>();
        private final Dispatcher dispatcher;

        Batches() throws Exception {
            dispatcher = natrix.nats().createDispatcher(message -> {
                List<JsonNode> events = new ArrayList<>();
                for (String line : new String(message.getData(), StandardCharsets.UTF_8).split("\n")) {
                    try {
                        events.add(JSON.readTree(line));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                received.add(new Batch(message.getSubject(), message.getData().length, events));
            });
            dispatcher.subscribe("ms.pos.>");
            natrix.nats().flush(Duration.ofSeconds(1));
        }

        List<JsonNode> events() {
            return received.stream().flatMap(b -> b.events().stream()).toList();
        }

        @Override
        public void close() {
            natrix.nats().closeDispatcher(dispatcher);
        }
    }

    @Test
    void threeDriversEventsGoTogetherEachLineNamingItsDriverInTheOrderSent() throws Exception {
        try (Batches batches = new Batches();
             ChunkedClient a = new ChunkedClient(gateway.port(), "/v1/drivers/a/locations", "application/x-ndjson");
             ChunkedClient b = new ChunkedClient(gateway.port(), "/v1/drivers/b/locations", "application/x-ndjson");
             ChunkedClient c = new ChunkedClient(gateway.port(), "/v1/drivers/c/locations", "application/x-ndjson")) {
            for (int i = 0; i < 40; i++) {
                for (ChunkedClient driver : List.of(a, b, c)) {
                    // a client cannot speak for another driver: the verified path writes over its driverId
                    driver.line("{\"seq\":" + i + ",\"driverId\":\"someone-else\"}");
                }
            }
            b.line("{not json");
            assertThat(a.finish()).startsWith("HTTP/1.1 200").contains("\"accepted\":40").contains("\"rejected\":0");
            assertThat(b.finish()).contains("\"accepted\":40").contains("\"rejected\":1").contains("not valid JSON");
            assertThat(c.finish()).contains("\"accepted\":40");
            await().until(() -> batches.events().size() >= 120);

            assertThat(batches.received).extracting(Batch::subject).as("all on the batch subject, none alone")
                    .containsOnly("ms.pos.batch");
            assertThat(batches.received.size()).as("fewer messages than events").isLessThan(120);
            for (String driver : List.of("a", "b", "c")) {
                assertThat(batches.events().stream().filter(e -> e.get("driverId").asText().equals(driver))
                        .map(e -> e.get("seq").asInt()).toList()).as(driver + "'s events, each once, in order")
                        .isEqualTo(java.util.stream.IntStream.range(0, 40).boxed().toList());
            }
            assertThat(batches.events()).hasSize(120);
        }
    }

    @Test
    void anEventGoesWithinItsIntervalWhileItsStreamIsStillOpen() throws Exception {
        try (Batches batches = new Batches();
             ChunkedClient driver = new ChunkedClient(gateway.port(), "/v1/drivers/d/locations", "application/x-ndjson")) {
            driver.line("{\"seq\":1}");
            await().until(() -> batches.events().size() == 1); // not held for the end of the stream
            assertThat(batches.events().getFirst().get("driverId").asText()).isEqualTo("d");
            assertThat(driver.finish()).contains("\"accepted\":1");
        }
    }

    @Test
    void aBatchThatWouldPassItsSizeGoesAtOnceAndNoMessagePassesIt() throws Exception {
        String padding = "x".repeat(1_000);
        int events = 2 * DefaultGateway.MAX_BATCH_BYTES / 1_000; // about two batches' worth
        try (Batches batches = new Batches();
             ChunkedClient driver = new ChunkedClient(gateway.port(), "/v1/drivers/big/locations", "application/x-ndjson")) {
            for (int i = 0; i < events; i++) {
                driver.line("{\"seq\":" + i + ",\"pad\":\"" + padding + "\"}");
            }
            assertThat(driver.finish()).contains("\"accepted\":" + events);
            await().until(() -> batches.events().size() == events);
            assertThat(batches.received).extracting(Batch::bytes).allSatisfy(bytes ->
                    assertThat(bytes).isLessThanOrEqualTo(DefaultGateway.MAX_BATCH_BYTES));
            assertThat(batches.events()).extracting(e -> e.get("seq").asInt())
                    .isEqualTo(java.util.stream.IntStream.range(0, events).boxed().toList());
        }
    }

    @Test
    void closingTheGatewayPublishesWhatItHadAcceptedButNotYetSent() throws Exception {
        Gateway slow = Gateway.builder(natrix).port(0)
                .stream(StreamRoute.publish("/v1/drivers/{driverId}/locations", "ms.pos.{driverId}")
                        .batched("ms.pos.slow", Duration.ofSeconds(1)))
                .start();
        try (Batches batches = new Batches()) {
            try (slow; ChunkedClient driver = new ChunkedClient(slow.port(), "/v1/drivers/e/locations", "application/x-ndjson")) {
                for (int i = 0; i < 10; i++) {
                    driver.line("{\"seq\":" + i + "}");
                }
                assertThat(driver.finish()).contains("\"accepted\":10");
            } // closed well within the second the batch would have waited
            natrix.nats().flush(Duration.ofSeconds(1));
            await().until(() -> batches.events().size() == 10);
            assertThat(batches.received).extracting(Batch::subject).containsOnly("ms.pos.slow");
        }
    }

    @Test
    void onlyAPublishStreamIsBatchedOnAPlainSubjectWithinASecond() {
        assertThatThrownBy(() -> StreamRoute.subscribe("/v1/x/{id}", "ms.x.{id}").batched("ms.x.batch", Duration.ofMillis(50)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("publish streams");
        StreamRoute publish = StreamRoute.publish("/v1/x/{id}", "ms.x.{id}");
        assertThatThrownBy(() -> publish.batched("ms.x.{id}", Duration.ofMillis(50)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no path parameters");
        assertThatThrownBy(() -> publish.batched("ms.x.batch", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from 1 ms to 1 s");
        assertThatThrownBy(() -> publish.batched("ms.x.>", Duration.ofMillis(50)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(publish.batched("ms.x.batch", Duration.ofMillis(50)).batching())
                .contains(new StreamRoute.Batching("ms.x.batch", Duration.ofMillis(50)));
    }

    @Test
    void aRouteThatNamesEachEventsBatchesSendsItToEachAndRefusesOneItCannotPlace() throws Exception {
        // east of 0 to batch "east", west to "west", and within a degree of 0 to the other side's too
        StreamRoute.BatchSubjects sides = event -> {
            double x;
            try {
                x = JSON.readTree(event).path("x").asDouble(Double.NaN);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (Double.isNaN(x)) {
                throw new IllegalArgumentException("x is required");
            }
            String own = x >= 0 ? "ms.pos.east.batch" : "ms.pos.west.batch";
            String other = x >= 0 ? "ms.pos.west.batch" : "ms.pos.east.batch";
            return Math.abs(x) < 1 ? List.of(own, other) : x > 100 ? List.of("ms.elsewhere.batch") : List.of(own);
        };
        Gateway sharded = Gateway.builder(natrix).port(0)
                .stream(StreamRoute.publish("/v1/drivers/{driverId}/locations", "ms.pos.{driverId}")
                        .batchedBy("ms.pos", sides, Duration.ofMillis(20)))
                .start();
        try (sharded; Batches batches = new Batches();
             ChunkedClient driver = new ChunkedClient(sharded.port(), "/v1/drivers/f/locations", "application/x-ndjson")) {
            driver.line("{\"seq\":1,\"x\":5}");
            driver.line("{\"seq\":2,\"x\":-5}");
            driver.line("{\"seq\":3,\"x\":0.5}");
            driver.line("{\"seq\":4}");
            driver.line("{\"seq\":5,\"x\":500}");
            assertThat(driver.finish()).contains("\"accepted\":3").contains("\"rejected\":2").contains("x is required")
                    .contains("under ms.pos only");
            await().until(() -> batches.events().size() == 4);
            java.util.Map<String, List<Integer>> seqBySubject = new java.util.TreeMap<>();
            batches.received.forEach(batch -> batch.events().forEach(e -> seqBySubject
                    .computeIfAbsent(batch.subject(), k -> new ArrayList<>()).add(e.get("seq").asInt())));
            assertThat(seqBySubject).isEqualTo(java.util.Map.of("ms.pos.east.batch", List.of(1, 3), "ms.pos.west.batch", List.of(2, 3)));
        }
    }
}
