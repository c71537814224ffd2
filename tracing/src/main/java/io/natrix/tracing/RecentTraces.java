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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The last traces this process took part in, in memory: an exporter that needs no collector. Keeps at most
 * {@code maxTraces} traces (the oldest go first) and {@code maxSpansPerTrace} spans of each, so a stream that
 * lives for hours cannot fill the heap.
 */
final class RecentTraces implements SpanExporter {

    private final int maxTraces;
    private final int maxSpansPerTrace;
    private final String processService;
    private final LinkedHashMap<String, List<SpanData>> traces; // as the SDK gives them: read into records only when asked

    RecentTraces(int maxTraces, int maxSpansPerTrace, String processService) {
        this.maxTraces = maxTraces;
        this.maxSpansPerTrace = maxSpansPerTrace;
        this.processService = processService;
        this.traces = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<SpanData>> eldest) {
                return size() > RecentTraces.this.maxTraces;
            }
        };
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        for (SpanData span : spans) {
            add(span);
        }
        return CompletableResultCode.ofSuccess();
    }

    private synchronized void add(SpanData span) {
        List<SpanData> trace = traces.computeIfAbsent(span.getTraceId(), id -> new ArrayList<>(4));
        if (trace.size() < maxSpansPerTrace) {
            trace.add(span);
        }
    }

    /** The spans of one trace this process holds, in start order; empty if it holds none. */
    List<SpanRecord> trace(String traceId) {
        List<SpanData> trace;
        synchronized (this) {
            List<SpanData> kept = traces.get(traceId);
            trace = kept == null ? List.of() : List.copyOf(kept);
        }
        return trace.stream().map(this::record).sorted(Comparator.comparingLong(SpanRecord::startMicros)).toList();
    }

    /** The newest traces first, at most {@code limit}. */
    List<TraceSummary> summaries(int limit) {
        List<List<SpanData>> newest = new ArrayList<>(limit);
        synchronized (this) {
            for (List<SpanData> trace : traces.sequencedValues().reversed()) {
                if (newest.size() == limit) {
                    break;
                }
                newest.add(List.copyOf(trace));
            }
        }
        return newest.stream().map(trace -> Traces.summarize(trace.stream().map(this::record).toList())).toList();
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
