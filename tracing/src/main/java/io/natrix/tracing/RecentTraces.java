package io.natrix.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last spans this process recorded, in memory: an exporter that needs no collector. A ring of
 * {@code capacity} spans, written wait-free as spans end (a slot claimed with one atomic increment): the
 * oldest spans are overwritten first, so a stream that lives for hours cannot fill the heap. Read by
 * scanning, which only the rare trace queries do.
 */
final class RecentTraces implements SpanExporter {

    private final AtomicReferenceArray<SpanData> ring;
    private final AtomicLong written = new AtomicLong();
    private final String processService;

    RecentTraces(int capacity, String processService) {
        this.ring = new AtomicReferenceArray<>(capacity);
        this.processService = processService;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        for (SpanData span : spans) {
            ring.set((int) (written.getAndIncrement() % ring.length()), span);
        }
        return CompletableResultCode.ofSuccess();
    }

    /** The spans of one trace this process holds, in start order; empty if it holds none. */
    List<SpanRecord> trace(String traceId) {
        List<SpanRecord> found = new ArrayList<>();
        for (int i = 0; i < ring.length(); i++) {
            SpanData span = ring.get(i);
            if (span != null && span.getTraceId().equals(traceId)) {
                found.add(record(span));
            }
        }
        found.sort(Comparator.comparingLong(SpanRecord::startMicros));
        return found;
    }

    /** The traces whose spans ended last first, at most {@code limit}. */
    List<TraceSummary> summaries(int limit) {
        Map<String, List<SpanData>> byTrace = new HashMap<>();
        for (int i = 0; i < ring.length(); i++) {
            SpanData span = ring.get(i);
            if (span != null) {
                byTrace.computeIfAbsent(span.getTraceId(), id -> new ArrayList<>(4)).add(span);
            }
        }
        return byTrace.values().stream()
                .sorted(Comparator.comparingLong((List<SpanData> trace) ->
                        trace.stream().mapToLong(SpanData::getEndEpochNanos).max().orElse(0)).reversed())
                .limit(limit)
                .map(trace -> Traces.summarize(trace.stream().map(this::record).toList()))
                .toList();
    }

    private SpanRecord record(SpanData span) {
        String service = span.getAttributes().get(HopTracer.SERVICE);
        Long code = span.getAttributes().get(HopTracer.CODE);
        List<String> notes = span.getEvents().stream().map(EventData::getName).toList();
        String parent = span.getParentSpanId();
        long start = TimeUnit.NANOSECONDS.toMicros(span.getStartEpochNanos());
        return new SpanRecord(span.getTraceId(), span.getSpanId(), SpanId.isValid(parent) ? parent : "", span.getName(),
                text(span, HopTracer.HOP), service == null || service.isEmpty() ? processService : service,
                text(span, HopTracer.INSTANCE), text(span, HopTracer.SUBJECT), start,
                TimeUnit.NANOSECONDS.toMicros(span.getEndEpochNanos()) - start,
                code == null ? 0 : code.intValue(),
                span.getStatus().getStatusCode() == StatusCode.ERROR ? span.getStatus().getDescription() : "", notes);
    }

    private static String text(SpanData span, AttributeKey<String> key) {
        String value = span.getAttributes().get(key);
        return value == null ? "" : value;
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
