package io.natrix.ride.dashboard;

import io.nats.client.Connection;
import io.natrix.tracing.SpanRecord;
import io.natrix.tracing.TraceSummary;
import io.natrix.tracing.Traces;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who calls whom, read from recent traces: a call span's process is the caller, the served span under it
 * names the callee. Discovery gives the services; traces give the arrows between them.
 */
final class Topology {

    private static final Duration WINDOW = Duration.ofMillis(300);
    private static final int TRACES_READ = 8;

    private final Set<List<String>> seen = new HashSet<>(); // only the thread that learns touches it
    private volatile List<List<String>> edges = List.of();

    /**
     * Reads the newest traces, adds the calls they show, and returns the recent traces it was told of. One
     * thread learns; it waits out a gather window per trace read.
     */
    List<TraceSummary> learn(Connection nats) {
        List<TraceSummary> all = Traces.recent(nats, WINDOW, 200);
        List<TraceSummary> recent = all.subList(0, Math.min(TRACES_READ, all.size()));
        for (TraceSummary trace : recent) {
            List<SpanRecord> spans = Traces.fetch(nats, trace.traceId(), WINDOW);
            Map<String, SpanRecord> byId = new HashMap<>();
            spans.forEach(span -> byId.put(span.spanId(), span));
            for (SpanRecord span : spans) {
                SpanRecord parent = byId.get(span.parentSpanId());
                if (span.hop().equals("SERVE") && parent != null && parent.hop().equals("CALL")
                        && !parent.service().equals(span.service())) {
                    seen.add(List.of(parent.service(), span.service()));
                }
            }
        }
        edges = List.copyOf(seen);
        return all;
    }

    /** Every caller → callee pair seen so far; read from any thread. */
    List<List<String>> edges() {
        return edges;
    }
}
