package io.natrix.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Subscription;
import io.natrix.Natrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The talk's HTTP streams, both ways, over real sockets and a real nats-server. */
class GatewayStreamTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Natrix natrix;
    static Gateway gateway;
    static final AtomicInteger polls = new AtomicInteger();
    static final List<JsonNode> cellRequests = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A shared poll's request: the cell a point is in, here the whole part of {@code x}. */
    record Cell(double x) {
        Cell whole() {
            return new Cell(Math.floor(x));
        }
    }

    @BeforeAll
    static void start() {
        natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).drainTimeout(Duration.ofSeconds(2)).connect();
        natrix.service("geo").endpoint("Nearby", Map.class, request -> Map.of("riderId", request.get("riderId"),
                "n", polls.incrementAndGet())).start();
        natrix.service("cells").endpoint("Nearby", JsonNode.class, request -> {
            cellRequests.add(request);
            return Map.of("x", request.get("x").asDouble(), "n", cellRequests.size());
        }).start();
        gateway = Gateway.builder(natrix).port(0).maxLineBytes(1024).idleTimeout(Duration.ofSeconds(1))
                .heartbeat(Duration.ofMillis(200))
                .stream(StreamRoute.publish("/v1/drivers/{driverId}/locations", "ms.geo.UpdatePoint"))
                .stream(StreamRoute.publish("/v1/stamped/{driverId}/locations", "ms.geo.Stamped").stamps("at"))
                .stream(StreamRoute.subscribe("/v1/drivers/{driverId}/offers", "ms.drivers.{driverId}.offers"))
                .stream(StreamRoute.poll("/v1/riders/{riderId}/nearby", "ms.geo.Nearby", Duration.ofSeconds(1)))
                .stream(StreamRoute.poll("/v1/cells/{riderId}/nearby", "ms.cells.Nearby", Duration.ofMillis(500))
                        .accepts(Cell.class).sharedAs(Cell.class, Cell::whole))
                // one stream per rider: what it polls, and its rides as they change
                .stream(StreamRoute.poll("/v1/riders/{riderId}/watch", "ms.geo.Nearby", Duration.ofSeconds(1))
                        .alsoDelivers("ms.riders.{riderId}.rides"))
                .stream(StreamRoute.poll("/v1/cells/{riderId}/watch", "ms.cells.Nearby", Duration.ofMillis(500))
                        .accepts(Cell.class).sharedAs(Cell.class, Cell::whole).alsoDelivers("ms.riders.{riderId}.rides"))
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        natrix.close();
    }

    record Arrival(long atNanos, JsonNode event) {
    }

    @Test
    void aHundredLinesOverTenSecondsArriveOnNatsInOrderAsTheyAreSent() throws Exception {
        List<Arrival> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
        var dispatcher = natrix.nats().createDispatcher(message -> {
            try {
                arrivals.add(new Arrival(System.nanoTime(), JSON.readTree(message.getData())));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        dispatcher.subscribe("ms.geo.UpdatePoint");
        natrix.nats().flush(Duration.ofSeconds(1));
        long[] sentAt = new long[100];
        String response;
        try (ChunkedClient driver = new ChunkedClient(gateway.port(), "/v1/drivers/d7/locations", "application/x-ndjson")) {
            for (int i = 0; i < 100; i++) {
                sentAt[i] = System.nanoTime();
                driver.line("{\"seq\":" + i + ",\"lat\":32.08,\"lng\":34.78}");
                Thread.sleep(100);
            }
            response = driver.finish();
        } finally {
            natrix.nats().closeDispatcher(dispatcher);
        }
        assertThat(response).startsWith("HTTP/1.1 200").contains("\"accepted\":100").contains("\"rejected\":0");
        assertThat(arrivals).hasSize(100);
        for (int i = 0; i < 100; i++) {
            Arrival arrival = arrivals.get(i);
            assertThat(arrival.event().get("seq").asInt()).isEqualTo(i);
            assertThat(arrival.event().get("driverId").asText()).isEqualTo("d7");
            assertThat(Duration.ofNanos(arrival.atNanos() - sentAt[i])).as("line %d published as it arrived", i)
                    .isLessThan(Duration.ofMillis(900));
        }
        assertThat(arrivals.getFirst().atNanos()).as("not buffered to the end").isLessThan(sentAt[99]);
    }

    @Test
    void badLinesAreCountedAndReportedAndTheStreamGoesOn() throws Exception {
        List<JsonNode> published = new java.util.concurrent.CopyOnWriteArrayList<>();
        Subscription subscription = natrix.nats().subscribe("ms.geo.UpdatePoint");
        natrix.nats().flush(Duration.ofSeconds(1));
        String response;
        try (ChunkedClient driver = new ChunkedClient(gateway.port(), "/v1/drivers/d8/locations", "application/x-ndjson")) {
            driver.line("{\"seq\":1}");
            driver.line("{\"seq\": ");                                             // line 2: malformed
            driver.chunk(new byte[]{'{', '"', 'x', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}', '\n'}); // 3: not UTF-8
            driver.line("{\"pad\":\"" + "x".repeat(3000) + "\"}");                 // 4: over 1024 bytes
            driver.line("[1,2,3]");                                                  // 5: not an object
            driver.line("");                                                         // 6: blank, ignored
            driver.line("{\"seq\":2}");
            response = driver.finish();
        }
        for (int i = 0; i < 2; i++) {
            published.add(JSON.readTree(subscription.nextMessage(Duration.ofSeconds(2)).getData()));
        }
        subscription.unsubscribe();
        assertThat(response).startsWith("HTTP/1.1 200");
        JsonNode summary = JSON.readTree(response.substring(response.indexOf('{')));
        assertThat(summary.get("accepted").asInt()).isEqualTo(2);
        assertThat(summary.get("rejected").asInt()).isEqualTo(4);
        assertThat(summary.get("errors").toString()).contains("line 2: not valid JSON", "line 3: not UTF-8",
                "line 4: over 1024 bytes", "line 5: not a JSON object");
        assertThat(published).extracting(event -> event.get("seq").asInt()).containsExactly(1, 2);
    }

    @Test
    void aStampedStreamDatesEveryEventByTheGatewaysClockWhateverTheClientWrote() throws Exception {
        Subscription subscription = natrix.nats().subscribe("ms.geo.Stamped");
        natrix.nats().flush(Duration.ofSeconds(1));
        long before = System.currentTimeMillis();
        try (ChunkedClient driver = new ChunkedClient(gateway.port(), "/v1/stamped/d5/locations", "application/x-ndjson")) {
            driver.line("{\"seq\":1,\"at\":32503680000000}"); // the year 3000
            driver.line("{\"seq\":2,\"at\":\"yesterday\"}");
            driver.line("{\"seq\":3}");
            assertThat(driver.finish()).startsWith("HTTP/1.1 200").contains("\"accepted\":3");
        }
        long after = System.currentTimeMillis();
        for (int seq = 1; seq <= 3; seq++) {
            JsonNode event = JSON.readTree(subscription.nextMessage(Duration.ofSeconds(2)).getData());
            assertThat(event.get("seq").asInt()).isEqualTo(seq);
            assertThat(event.get("at").isNumber()).isTrue();
            assertThat(event.get("at").asLong()).as("event %d dated by the gateway", seq).isBetween(before, after);
        }
        subscription.unsubscribe();
        assertThat(StreamRoute.publish("/x", "x").stamps("at").stamps()).contains("at");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StreamRoute.subscribe("/y", "y").stamps("at"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only a publish stream");
    }

    @Test
    void aClientThatSendsNothingIsClosedAfterTheIdleTimeoutAndOthersAreServed() throws Exception {
        long started = System.nanoTime();
        try (ChunkedClient silent = new ChunkedClient(gateway.port(), "/v1/drivers/d9/locations", "application/x-ndjson")) {
            assertThat(silent.response()).as("the gateway closed the connection").isEmpty();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        try (ChunkedClient driver = new ChunkedClient(gateway.port(), "/v1/drivers/d9/locations", "application/x-ndjson")) {
            driver.line("{\"seq\":1}");
            assertThat(driver.finish()).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aSubscriptionStreamDeliversEachMessageAsItIsPublishedAndEndsWithTheClient() throws Exception {
        DefaultGateway inside = (DefaultGateway) gateway;
        HttpResponse<Stream<String>> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + "/v1/drivers/d7/offers")).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
        await().until(() -> inside.streamSubscriptions() == 1);
        List<Long> receivedAt = new ArrayList<>();
        List<JsonNode> offers = new ArrayList<>();
        try (Stream<String> lines = response.body(); var publisher = Executors.newVirtualThreadPerTaskExecutor()) {
            publisher.submit(() -> {
                for (int i = 0; i < 5; i++) {
                    natrix.publish("ms.drivers.d7.offers", Map.of("ride", "r" + i));
                    Thread.sleep(300);
                }
                return null;
            });
            Iterator<String> iterator = lines.iterator();
            while (offers.size() < 5) {
                String line = iterator.next();
                if (!line.isBlank()) {
                    receivedAt.add(System.nanoTime());
                    offers.add(JSON.readTree(line));
                }
            }
        }
        assertThat(offers).extracting(o -> o.get("ride").asText()).containsExactly("r0", "r1", "r2", "r3", "r4");
        assertThat(Duration.ofNanos(receivedAt.get(4) - receivedAt.get(0))).as("incremental, not buffered")
                .isGreaterThan(Duration.ofMillis(900));
        await().atMost(Duration.ofSeconds(5)).until(() -> inside.streamSubscriptions() == 0 && inside.openStreams() == 0);
    }

    @Test
    void aPollingStreamSendsServerSentEventsOnceASecond() throws Exception {
        DefaultGateway inside = (DefaultGateway) gateway;
        long opened = System.currentTimeMillis(); // before the request: the first poll may start before send() returns
        HttpResponse<Stream<String>> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.port() + "/v1/riders/rider-1/nearby?radius=500"))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        List<Long> receivedAt = new ArrayList<>();
        List<JsonNode> events = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            Iterator<String> iterator = lines.iterator();
            while (events.size() < 3) {
                String line = iterator.next();
                if (line.startsWith("data: ")) {
                    receivedAt.add(System.nanoTime());
                    events.add(JSON.readTree(line.substring(6)));
                }
            }
        }
        assertThat(events).allSatisfy(e -> assertThat(e.get("riderId").asText()).isEqualTo("rider-1"));
        assertThat(events).extracting(e -> e.path("askedAt").asLong()).as("each answer says when the gateway asked")
                .allSatisfy(askedAt -> assertThat(askedAt).isBetween(opened, System.currentTimeMillis())).isSorted();
        assertThat(events.get(2).get("n").asInt()).isGreaterThan(events.get(1).get("n").asInt());
        for (int i = 1; i < 3; i++) {
            assertThat(Duration.ofNanos(receivedAt.get(i) - receivedAt.get(i - 1))).as("about a second apart")
                    .isBetween(Duration.ofMillis(700), Duration.ofMillis(1500));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> inside.openStreams() == 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/riders/rider-9/watch", "/v1/cells/rider-9/watch?x=3.5"})
    void aPollStreamAlsoDeliversEveryMessageOfItsSubjectInOrderBetweenItsAnswers(String path) throws Exception {
        DefaultGateway inside = (DefaultGateway) gateway;
        int subscribedBefore = inside.streamSubscriptions();
        HttpResponse<Stream<String>> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + path)).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(inside.streamSubscriptions()).as("subscribed before the first line").isGreaterThan(subscribedBefore);
        List<JsonNode> answers = new ArrayList<>();
        List<String> rides = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            Iterator<String> iterator = lines.iterator();
            while (answers.size() < 3 || rides.size() < 5) {
                String line = iterator.next();
                if (line.isBlank()) {
                    continue;
                }
                JsonNode message = JSON.readTree(line);
                if (message.has("ride")) {
                    rides.add(message.get("ride").asText());
                } else {
                    assertThat(message.has("n")).as(line).isTrue();
                    answers.add(message);
                    if (answers.size() == 1) {
                        // five at once, and one for another rider: none conflated, none of another's
                        natrix.publish("ms.riders.rider-8.rides", Map.of("ride", "not mine"));
                        for (int i = 0; i < 5; i++) {
                            natrix.publish("ms.riders.rider-9.rides", Map.of("ride", "r" + i));
                        }
                    }
                }
            }
        }
        assertThat(rides).containsExactly("r0", "r1", "r2", "r3", "r4");
        assertThat(answers).extracting(a -> a.get("n").asInt()).as("the polls go on around them").isSorted().doesNotHaveDuplicates();
        await().atMost(Duration.ofSeconds(5)).until(() -> inside.streamSubscriptions() == subscribedBefore && inside.openStreams() == 0);
    }

    @Test
    void onlyAPublishOrPollStreamDeliversAnotherSubject() {
        assertThatThrownBy(() -> StreamRoute.subscribe("/v1/a/{id}", "ms.a.{id}").alsoDelivers("ms.b.{id}"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("poll streams");
        assertThatThrownBy(() -> StreamRoute.poll("/v1/a/{id}", "ms.a", Duration.ofSeconds(1)).deliversOnWebSocket("ms.b.{id}"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("alsoDelivers()");
        assertThatThrownBy(() -> StreamRoute.poll("/v1/a/{id}", "ms.a", Duration.ofSeconds(1)).alsoDelivers("ms.b c"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamsWithTheSameCanonicalRequestShareOnePollerThatEndsWithTheLastOfThem() throws Exception {
        DefaultGateway inside = (DefaultGateway) gateway;
        cellRequests.clear();
        String base = "http://127.0.0.1:" + gateway.port() + "/v1/cells/";
        List<HttpResponse<Stream<String>>> streams = new ArrayList<>();
        for (String rider : List.of("a?x=1.2", "b?x=1.7", "c?x=2.5")) {
            streams.add(HTTP.send(HttpRequest.newBuilder(URI.create(base + rider.replace("?", "/nearby?"))).build(),
                    HttpResponse.BodyHandlers.ofLines()));
        }
        List<List<JsonNode>> answers = new ArrayList<>();
        for (HttpResponse<Stream<String>> stream : streams) {
            assertThat(stream.statusCode()).isEqualTo(200);
            List<JsonNode> lines = new ArrayList<>();
            Iterator<String> iterator = stream.body().iterator();
            while (lines.size() < 3) {
                String line = iterator.next();
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line));
                }
            }
            answers.add(lines);
        }
        assertThat(inside.sharedPollers()).as("x=1.2 and x=1.7 share one, x=2.5 has its own").isEqualTo(2);
        assertThat(answers.get(0)).extracting(a -> a.get("x").asDouble()).containsOnly(1.0);
        assertThat(answers.get(1)).extracting(a -> a.get("x").asDouble()).containsOnly(1.0);
        assertThat(answers.get(2)).extracting(a -> a.get("x").asDouble()).containsOnly(2.0);
        assertThat(cellRequests).as("the service is asked for the canonical request only, with no rider in it")
                .allSatisfy(request -> {
                    assertThat(request.get("x").asDouble()).isIn(1.0, 2.0);
                    assertThat(request.has("riderId")).isFalse();
                });
        long askedForOne = cellRequests.stream().filter(r -> r.get("x").asDouble() == 1.0).count();
        long askedForTwo = cellRequests.stream().filter(r -> r.get("x").asDouble() == 2.0).count();
        assertThat(askedForOne).as("two streams, asked about as often as for one").isLessThanOrEqualTo(askedForTwo + 2);
        streams.forEach(stream -> stream.body().close());
        await().atMost(Duration.ofSeconds(5)).until(() -> inside.sharedPollers() == 0 && inside.openStreams() == 0);
    }

    @Test
    void aPathParameterCannotInjectSubjectSyntax() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + "/v1/drivers/a.%3E/offers")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("driverId must be letters, digits");
    }

    @Test
    void streamsPastTheLimitAreRefusedWith503() throws Exception {
        try (Gateway small = Gateway.builder(natrix).port(0).maxStreams(1).heartbeat(Duration.ofMillis(100))
                .stream(StreamRoute.subscribe("/v1/offers", "ms.offers")).start()) {
            URI uri = URI.create("http://127.0.0.1:" + small.port() + "/v1/offers");
            HttpResponse<Stream<String>> first = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofLines());
            try (Stream<String> _ = first.body()) {
                await().until(() -> ((DefaultGateway) small).openStreams() == 1);
                HttpResponse<String> second = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(second.statusCode()).isEqualTo(503);
                assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(second.body()).contains("already holds 1 streams");
            }
        }
    }
}
