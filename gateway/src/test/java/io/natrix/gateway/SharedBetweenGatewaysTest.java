package io.natrix.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.Natrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A shared poll shared between two gateways ({@link StreamRoute#sharedBetweenGateways}): the service is asked
 * about once per interval for the request, not once per gateway, every stream on both gateways gets every
 * answer, and when the gateway that asked stops, the other asks in its place.
 */
class SharedBetweenGatewaysTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    /** The request: the cell a point is in, the whole part of {@code x}. */
    record Cell(double x) {
        Cell whole() {
            return new Cell(Math.floor(x));
        }
    }

    private static final Duration INTERVAL = Duration.ofMillis(500);

    /** A connection to this class's server, as its admin. */
    private static Natrix connect() {
        return Natrix.builder().servers(nats.url()).credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
    }

    @Test
    void oneGatewayAsksForBothAndTheOtherTakesOverWhenItStops() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        try (Natrix service = connect();
             Natrix edgeA = connect();
             Natrix edgeB = connect();
             HttpClient http = HttpClient.newHttpClient()) {
            service.service("cells").endpoint("Nearby", JsonNode.class,
                    request -> Map.of("x", request.get("x").asDouble(), "n", asked.incrementAndGet())).start();
            Gateway a = gateway(edgeA);
            Gateway b = gateway(edgeB);
            List<AtomicLong> linesA = new ArrayList<>();
            List<AtomicLong> linesB = new ArrayList<>();
            List<Stream<String>> open = new ArrayList<>();
            try {
                for (String x : List.of("3.2", "3.7")) { // one cell, two streams on each gateway
                    linesA.add(follow(http, a, x, open));
                    linesB.add(follow(http, b, x, open));
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> Stream.concat(linesA.stream(), linesB.stream())
                        .allMatch(count -> count.get() >= 2));

                int askedBefore = asked.get();
                long[] before = counts(linesA, linesB);
                Thread.sleep(3_000); // six intervals
                int askedInWindow = asked.get() - askedBefore;
                long[] after = counts(linesA, linesB);
                assertThat(askedInWindow).as("asked once an interval for both gateways, not once each (12)")
                        .isBetween(4, 8);
                for (int i = 0; i < before.length; i++) {
                    assertThat(after[i] - before[i]).as("stream %d got every answer", i).isGreaterThanOrEqualTo(askedInWindow - 1);
                }

                a.close(); // whichever gateway was asking, b's streams go on
                Thread.sleep(1_500); // an interval and a quarter, and a little: b's poller has seen nobody else ask
                long[] afterStop = counts(List.of(), linesB);
                int askedAfterStop = asked.get();
                Thread.sleep(2_000);
                long[] later = counts(List.of(), linesB);
                assertThat(asked.get() - askedAfterStop).as("b asks now").isBetween(3, 5);
                for (int i = 0; i < later.length; i++) {
                    assertThat(later[i] - afterStop[i]).as("b's stream %d is still fed", i).isGreaterThanOrEqualTo(3);
                }
            } finally {
                open.forEach(Stream::close);
                a.close();
                b.close();
            }
        }
    }

    @Test
    void aPollerStartingAsItsGatewayStopsEndsQuietly() throws Exception {
        List<Throwable> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        try (Natrix edge = connect()) {
            SharedSubscriptions subscriptions = new SharedSubscriptions(edge.nats());
            SharedPolls polls = new SharedPolls(new PollAnswers(edge, StreamRoute.poll("/v1/cells", "ms.cells.Nearby",
                    INTERVAL), Natrix.defaultObjectMapper()), INTERVAL,
                    java.util.Optional.of(new SharedPolls.Between(edge.nats(), subscriptions, "gw.cells")));
            subscriptions.close(); // the gateway stopping, as a stream joins and its poller's thread begins
            Thread.setDefaultUncaughtExceptionHandler((thread, error) -> uncaught.add(error));
            polls.join("ms.cells.Nearby", "{\"x\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    Mailbox.latestOnly());
            await().atMost(Duration.ofSeconds(5)).until(() -> polls.pollers() == 0);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
        assertThat(uncaught).as("the poller's thread threw (\"Dispatcher is closed\")").isEmpty();
    }

    /**
     * A gateway whose own asks fail (here: its interval so short that its deadline is shorter than the service takes;
     * in a supercluster: a region just back whose services have not reconnected yet) keeps its error lines to itself:
     * another gateway's streams get only real answers, and that gateway goes on asking for them (seen in
     * {@code ./natrix chaos --regions 2}: the surviving region's riders got the returning region's errors).
     */
    @Test
    void aGatewaysFailedAskIsNotSharedAndDoesNotSilenceTheOthers() throws Exception {
        try (Natrix service = connect();
             Natrix edgeA = connect();
             Natrix edgeB = connect();
             HttpClient http = HttpClient.newHttpClient()) {
            service.service("slow-cells").endpoint("Nearby", JsonNode.class, request -> {
                Thread.sleep(100);
                return Map.of("x", request.get("x").asDouble(), "n", 1);
            }).start();
            Gateway failing = gateway(edgeA, "ms.slow-cells.Nearby", Duration.ofMillis(20)); // a 40 ms deadline: every ask times out
            Gateway working = gateway(edgeB, "ms.slow-cells.Nearby", INTERVAL);
            List<Stream<String>> open = new ArrayList<>();
            try {
                List<String> linesA = lines(http, failing, "5.5", open);
                List<String> linesB = lines(http, working, "5.5", open);
                await().atMost(Duration.ofSeconds(10)).until(() -> linesB.stream().filter(line -> line.contains("\"n\"")).count() >= 4);
                assertThat(linesA).as("the failing gateway's own streams see its errors").anyMatch(line -> line.contains("\"error\""));
                assertThat(linesB).as("the working gateway's streams never get the other's errors").noneMatch(line -> line.contains("\"error\""));
            } finally {
                open.forEach(Stream::close);
                failing.close();
                working.close();
            }
        }
    }

    private static Gateway gateway(Natrix edge) {
        return gateway(edge, "ms.cells.Nearby", INTERVAL);
    }

    private static Gateway gateway(Natrix edge, String subject, Duration interval) {
        return Gateway.builder(edge).port(0)
                .stream(StreamRoute.poll("/v1/cells/{riderId}/nearby", subject, interval).accepts(Cell.class)
                        .sharedAs(Cell.class, Cell::whole).sharedBetweenGateways("test.shared.cells"))
                .start();
    }

    /** Opens a stream for {@code x} and keeps its lines, read on a thread of its own. */
    private static List<String> lines(HttpClient http, Gateway gateway, String x, List<Stream<String>> open) throws Exception {
        HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + gateway.port() + "/v1/cells/r" + x.replace('.', '-') + "/nearby?x=" + x)).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        open.add(response.body());
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> {
            try {
                response.body().forEach(lines::add);
            } catch (RuntimeException closed) {
                // the stream was closed by the test, or the gateway stopped
            }
        });
        return lines;
    }

    /** Opens a stream for {@code x} and counts its answer lines on a thread of its own. */
    private static AtomicLong follow(HttpClient http, Gateway gateway, String x, List<Stream<String>> open) throws Exception {
        HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + gateway.port() + "/v1/cells/r" + x.replace('.', '-') + "/nearby?x=" + x)).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        open.add(response.body());
        AtomicLong lines = new AtomicLong();
        Thread.ofVirtual().start(() -> {
            try {
                response.body().filter(line -> line.contains("\"n\"")).forEach(line -> lines.incrementAndGet());
            } catch (RuntimeException closed) {
                // the stream was closed by the test, or the gateway stopped
            }
        });
        return lines;
    }

    private static long[] counts(List<AtomicLong> first, List<AtomicLong> second) {
        return Stream.concat(first.stream(), second.stream()).mapToLong(AtomicLong::get).toArray();
    }
}
