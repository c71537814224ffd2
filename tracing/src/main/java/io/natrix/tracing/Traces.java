package io.natrix.tracing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads traces from every process that keeps them: asks on NATS and gathers the answers for a short window,
 * since each process knows only its own spans. Works with no collector running.
 *
 * <pre>{@code
 * List<SpanRecord> spans = Traces.fetch(natrix.nats(), "4bf92f3577b34da6a3ce929d0e0e4736", Duration.ofMillis(500));
 * System.out.print(TraceTree.render(spans));
 * }</pre>
 */
public final class Traces {

    /** Subject prefix a process answers on with the spans of one trace: {@code $NATRIX.TRACE.<trace id>}. */
    public static final String TRACE_SUBJECT = "$NATRIX.TRACE";
    /** Subject a process answers on with its recent traces. */
    public static final String RECENT_SUBJECT = "$NATRIX.TRACES";

    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<SpanRecord>> SPANS = new TypeReference<>() {
    };
    private static final TypeReference<List<TraceSummary>> SUMMARIES = new TypeReference<>() {
    };

    private Traces() {
    }

    /** Every span of a trace any process still holds, in start order; empty if none does. */
    public static List<SpanRecord> fetch(Connection nats, String traceId, Duration window) {
        String id = traceId.trim().toLowerCase();
        if (!TRACE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a trace id is 32 hex digits (the middle of a traceparent), got '" + traceId + "'");
        }
        Map<String, SpanRecord> bySpan = new LinkedHashMap<>();
        for (byte[] answer : gather(nats, TRACE_SUBJECT + "." + id, window)) {
            for (SpanRecord span : read(answer, SPANS)) {
                bySpan.putIfAbsent(span.spanId(), span);
            }
        }
        return bySpan.values().stream().sorted(Comparator.comparingLong(SpanRecord::startMicros)).toList();
    }

    /** The recent traces of every process, merged by id, newest first, at most {@code limit}. */
    public static List<TraceSummary> recent(Connection nats, Duration window, int limit) {
        Map<String, List<TraceSummary>> byTrace = new LinkedHashMap<>();
        for (byte[] answer : gather(nats, RECENT_SUBJECT, window)) {
            for (TraceSummary summary : read(answer, SUMMARIES)) {
                byTrace.computeIfAbsent(summary.traceId(), id -> new ArrayList<>()).add(summary);
            }
        }
        return byTrace.values().stream().map(Traces::merge)
                .sorted(Comparator.comparingLong(TraceSummary::startMicros).reversed()).limit(limit).toList();
    }

    /** A summary of the spans one process holds of a trace. */
    static TraceSummary summarize(Collection<SpanRecord> spans) {
        SpanRecord first = spans.stream().min(Comparator.comparingLong(SpanRecord::startMicros)).orElseThrow();
        Set<String> ids = spans.stream().map(SpanRecord::spanId).collect(Collectors.toSet());
        SpanRecord root = spans.stream().filter(span -> !ids.contains(span.parentSpanId()))
                .min(Comparator.comparingLong(SpanRecord::startMicros)).orElse(first);
        long end = spans.stream().mapToLong(SpanRecord::endMicros).max().orElseThrow();
        int errors = (int) spans.stream().filter(SpanRecord::failed).count();
        return new TraceSummary(first.traceId(), root.name(),
                first.startMicros(), end - first.startMicros(), spans.size(), errors);
    }

    private static TraceSummary merge(List<TraceSummary> parts) {
        TraceSummary first = parts.stream().min(Comparator.comparingLong(TraceSummary::startMicros)).orElseThrow();
        long end = parts.stream().mapToLong(part -> part.startMicros() + part.durationMicros()).max().orElseThrow();
        return new TraceSummary(first.traceId(), first.root(), first.startMicros(), end - first.startMicros(),
                parts.stream().mapToInt(TraceSummary::spans).sum(), parts.stream().mapToInt(TraceSummary::errors).sum());
    }

    /** Asks on {@code subject} and collects every answer that arrives within the window. */
    private static List<byte[]> gather(Connection nats, String subject, Duration window) {
        String inbox = nats.createInbox();
        Subscription answers = nats.subscribe(inbox);
        try {
            nats.publish(subject, inbox, null);
            List<byte[]> collected = new ArrayList<>();
            long deadline = System.nanoTime() + window.toNanos();
            for (long left = window.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                Message answer = answers.nextMessage(Duration.ofNanos(left));
                if (answer != null && !answer.isStatusMessage()) {
                    collected.add(answer.getData());
                }
            }
            return collected;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } finally {
            answers.unsubscribe();
        }
    }

    private static <T> List<T> read(byte[] answer, TypeReference<List<T>> type) {
        try {
            return JSON.readValue(answer, type);
        } catch (IOException e) {
            return List.of(); // not a Natrix process's answer: ignore it
        }
    }
}
