package io.natrix.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Spans written into the ring's bytes by the OpenTelemetry SDK itself, and read back as they were. */
class RecentTracesTest {

    static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    static final String PARENT = "b7ad6b7169203331";

    static Context under(String traceId, String parentSpanId) {
        return Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(traceId, parentSpanId,
                TraceFlags.getSampled(), TraceState.getDefault())));
    }

    static Tracer tracer(RecentTraces ring) {
        return SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(ring)).build().get("test");
    }

    @Test
    void aSpanComesBackWithEveryField() {
        RecentTraces ring = new RecentTraces(8, "dispatch");
        Span span = tracer(ring).spanBuilder("ms.geo.Nearby").setParent(under(TRACE, PARENT))
                .setAttribute(HopTracer.HOP, "CALL").setAttribute(HopTracer.SUBJECT, "ms.geo.Nearby")
                .setAttribute(HopTracer.INSTANCE, "").setAttribute(HopTracer.SERVICE, "")
                .startSpan();
        span.addEvent("attempt 1 failed: 503 warming up");
        span.addEvent("retried on instance Ölstadt-2");
        span.setAttribute(HopTracer.CODE, 504L);
        span.setStatus(StatusCode.ERROR, "504: no reply within 714 ms");
        span.end();

        SpanRecord read = ring.trace(TRACE).getFirst();

        assertThat(read.traceId()).isEqualTo(TRACE);
        assertThat(read.spanId()).isEqualTo(span.getSpanContext().getSpanId());
        assertThat(read.parentSpanId()).isEqualTo(PARENT);
        assertThat(read.name()).isEqualTo("ms.geo.Nearby");
        assertThat(read.hop()).isEqualTo("CALL");
        assertThat(read.service()).as("the process's own on the calling side").isEqualTo("dispatch");
        assertThat(read.instance()).isEmpty();
        assertThat(read.subject()).isEqualTo("ms.geo.Nearby");
        assertThat(read.code()).isEqualTo(504);
        assertThat(read.error()).isEqualTo("504: no reply within 714 ms");
        assertThat(read.notes()).containsExactly("attempt 1 failed: 503 warming up", "retried on instance Ölstadt-2");
        assertThat(read.startMicros()).isPositive();
        assertThat(read.durationMicros()).isNotNegative();
        assertThat(ring.trace("1af7651916cd43dd8448eb211c80319c")).isEmpty();
        assertThat(ring.trace("not a trace id")).isEmpty();
    }

    @Test
    void aRootSpanHasNoParentAndTheOldestAreOverwritten() {
        RecentTraces ring = new RecentTraces(2, "users");
        Tracer tracer = tracer(ring);
        List<String> traces = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Span root = tracer.spanBuilder("GET /v1/users/{id}").setAttribute(HopTracer.HOP, "HTTP").startSpan();
            root.end();
            traces.add(root.getSpanContext().getTraceId());
        }
        assertThat(ring.trace(traces.get(0))).isEmpty();
        assertThat(ring.trace(traces.get(2))).singleElement().satisfies(span -> {
            assertThat(span.parentSpanId()).isEmpty();
            assertThat(span.error()).isEmpty();
            assertThat(span.notes()).isEmpty();
        });
        assertThat(ring.summaries(10)).extracting(TraceSummary::traceId).containsExactly(traces.get(2), traces.get(1));
    }

    @Test
    void aTextLongerThanItsSlotIsCutBetweenCharacters() {
        RecentTraces ring = new RecentTraces(1, "gateway");
        String long2ByteChars = "é".repeat(RecentTraces.SLOT); // 1,024 bytes of UTF-8
        Span span = tracer(ring).spanBuilder("ms.x").setParent(under(TRACE, PARENT)).setAttribute(HopTracer.HOP, "SERVE")
                .startSpan();
        span.setStatus(StatusCode.ERROR, long2ByteChars);
        span.addEvent("lost to the cut");
        span.end();

        SpanRecord read = ring.trace(TRACE).getFirst();

        assertThat(read.hop()).isEqualTo("SERVE");
        assertThat(read.error()).isNotEmpty().matches("é+"); // no half of a character, no replacement char
        assertThat(read.error().length()).isLessThan(RecentTraces.SLOT / 2);
        assertThat(read.name()).as("nothing left for it").isEmpty();
        assertThat(read.notes()).isEmpty();
    }

    @Test
    void anAsciiTextLongerThanItsSlotIsCutToWhatFits() {
        RecentTraces ring = new RecentTraces(1, "gateway");
        String longName = "ms." + "x".repeat(RecentTraces.SLOT);
        tracer(ring).spanBuilder(longName).setParent(under(TRACE, PARENT)).setAttribute(HopTracer.HOP, "SERVE")
                .setAttribute(HopTracer.SUBJECT, "lost to the cut").startSpan().end();

        SpanRecord read = ring.trace(TRACE).getFirst();

        assertThat(longName).startsWith(read.name());
        assertThat(read.name().length()).isBetween(RecentTraces.SLOT / 2, RecentTraces.SLOT);
        assertThat(read.subject()).isEmpty();
        assertThat(read.hop()).isEqualTo("SERVE");
    }

    @Test
    void writersWrappingTheRingNeverMixTwoSpansWhileAReaderReads() throws Exception {
        RecentTraces ring = new RecentTraces(4, "load");
        Tracer tracer = tracer(ring);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger read = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            writers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20_000; i++) {
                    // each span's name and subject repeat its trace id: a torn slot would mix two spans (writers
                    // count from 1: an all-zero trace id is invalid, and OpenTelemetry would give the span another)
                    String traceId = HexFormat.of().toHexDigits((long) writer + 1) + HexFormat.of().toHexDigits((long) i);
                    tracer.spanBuilder(traceId).setParent(under(traceId, PARENT)).setAttribute(HopTracer.SUBJECT, traceId)
                            .setAttribute(HopTracer.HOP, "SERVE").startSpan().end();
                }
            }));
        }
        List<SpanRecord> torn = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            while (writing.get()) {
                for (SpanRecord span : ring.spans()) {
                    if (!span.name().equals(span.traceId()) || !span.subject().equals(span.traceId())) {
                        torn.add(span);
                    }
                    read.incrementAndGet();
                }
            }
        });
        for (Thread writer : writers) {
            writer.join();
        }
        writing.set(false);
        reader.join();
        assertThat(torn).isEmpty();
        assertThat(read.get()).as("the reader read while the ring turned").isPositive();
        assertThat(ring.summaries(100)).hasSizeBetween(1, 4);
    }
}
