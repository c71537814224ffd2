package io.natrix.tracing;

import com.sun.net.httpserver.HttpServer;
import io.natrix.CallOptions;
import io.natrix.Natrix;
import io.natrix.RequestContext;
import io.natrix.ServiceException;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class NatrixTracingTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    private static Natrix connect() {
        return Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
    }

    @Test
    void spansGoToAnOtlpCollectorWhenOneIsConfigured() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                received.add(exchange.getRequestHeaders().getFirst("Content-Type") + " "
                        + new String(body.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try (Natrix natrix = connect();
             NatrixTracing _ = NatrixTracing.builder(natrix).serviceName("otlp-test")
                     .otlpEndpoint(URI.create("http://127.0.0.1:" + collector.getAddress().getPort())).install()) {
            natrix.service("echo").endpoint("Echo", String.class, text -> text).start();

            natrix.call("ms.echo.Echo", "hi", String.class, Duration.ofSeconds(2));

            await().atMost(Duration.ofSeconds(10)).until(() -> received.stream().anyMatch(r -> r.contains("ms.echo.Echo")));
            assertThat(received).allSatisfy(request -> assertThat(request).startsWith("application/x-protobuf"));
            assertThat(String.join("", received)).contains("otlp-test", "natrix.hop", "SERVE", "CALL");
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void failuresAndRetriesAreInTheSpansAndEventsOutsideAnyTraceStartNone() {
        AtomicInteger attempts = new AtomicInteger();
        try (Natrix natrix = connect(); NatrixTracing tracing = NatrixTracing.builder(natrix).serviceName("caller").install()) {
            natrix.service("flaky").endpoint("Get", String.class, id -> {
                if (attempts.incrementAndGet() == 1) {
                    throw new ServiceException(503, "warming up");
                }
                return "ok";
            }).broadcastListener("ms.positions", String.class, position -> { }).start();

            natrix.publish("ms.positions", "no trace for me");
            String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
            RequestContext.of(Map.of(RequestContext.TRACEPARENT, traceparent)).run(() ->
                    natrix.call("ms.flaky.Get", "1", String.class, CallOptions.defaults().idempotent().retries(2)));

            List<SpanRecord> spans = await().until(() -> Traces.fetch(natrix.nats(), "0af7651916cd43dd8448eb211c80319c",
                    Duration.ofMillis(200)), found -> found.size() == 3);
            SpanRecord call = spans.stream().filter(s -> s.hop().equals("CALL")).findFirst().orElseThrow();
            assertThat(call.parentSpanId()).isEqualTo("b7ad6b7169203331");
            assertThat(call.service()).isEqualTo("caller");
            assertThat(call.notes()).singleElement().asString().contains("attempt 1 failed", "warming up");
            assertThat(spans.stream().filter(s -> s.hop().equals("SERVE")).map(SpanRecord::code)).containsExactly(503, 0);
            assertThat(spans.stream().filter(SpanRecord::failed).map(SpanRecord::error)).containsExactly("503: warming up");
            assertThat(TraceTree.render(spans)).contains("! attempt 1 failed", "503: warming up", "1 error");
            assertThat(Traces.recent(natrix.nats(), Duration.ofMillis(200), 10))
                    .as("the position published outside any trace started none").singleElement()
                    .satisfies(summary -> assertThat(summary.spans()).isEqualTo(3));
        }
    }

    @Test
    void withASampleRatioOfZeroNothingIsKeptAndCallsStillWork() {
        try (Natrix natrix = connect(); NatrixTracing _ = NatrixTracing.builder(natrix).serviceName("quiet").sampleRatio(0).install()) {
            natrix.service("echo").endpoint("Echo", String.class, text -> text).start();

            for (int i = 0; i < 20; i++) {
                assertThat(natrix.call("ms.echo.Echo", "hi " + i, String.class, Duration.ofSeconds(2))).isEqualTo("hi " + i);
            }

            assertThat(Traces.recent(natrix.nats(), Duration.ofMillis(200), 10)).isEmpty();
        }
    }

    @Test
    void onlyTheLastSpansAreKept() {
        try (Natrix natrix = connect(); NatrixTracing tracing = NatrixTracing.builder(natrix).serviceName("small").keepSpans(4).install()) {
            natrix.service("echo").endpoint("Echo", String.class, text -> text).start();
            List<String> ids = List.of("1af7651916cd43dd8448eb211c80319c", "2af7651916cd43dd8448eb211c80319c",
                    "3af7651916cd43dd8448eb211c80319c");
            for (String id : ids) {
                RequestContext.of(Map.of(RequestContext.TRACEPARENT, "00-" + id + "-b7ad6b7169203331-01"))
                        .run(() -> natrix.call("ms.echo.Echo", "hi", String.class, Duration.ofSeconds(2)));
            }

            await().until(() -> tracing.local(ids.get(2)).size() == 2);
            assertThat(tracing.local(ids.get(0))).as("the oldest went").isEmpty();
            assertThat(tracing.local(ids.get(1))).hasSize(2);
            assertThat(Traces.recent(natrix.nats(), Duration.ofMillis(200), 10)).extracting(TraceSummary::traceId)
                    .containsExactly(ids.get(2), ids.get(1));
        }
    }

    @Test
    void aTraceIdIsCheckedAndAnUnknownOneSaysWhy() {
        try (Natrix natrix = connect()) {
            assertThatThrownBy(() -> Traces.fetch(natrix.nats(), "nope", Duration.ofMillis(50)))
                    .hasMessageContaining("32 hex digits");
            assertThat(TraceTree.render(Traces.fetch(natrix.nats(), "0af7651916cd43dd8448eb211c80319d", Duration.ofMillis(100))))
                    .contains("no process holds this trace");
        }
    }
}
