package io.natrix.tracing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A trace as text: each span under its parent, when it started after the trace began, how long it took, its
 * own time (what its children do not explain), and its outcome; then the span whose own time was the
 * largest, which is where a slow request spent its time.
 *
 * <pre>
 * trace 4bf92f3577b34da6a3ce929d0e0e4736: 6 spans, 41.3 ms, 0 errors
 *   start    took     own  hop    service   name                      outcome
 *   0.0ms  41.3ms   0.6ms  HTTP   gateway   POST /v1/rides            201
 *   0.3ms  40.7ms   0.4ms  CALL   gateway   └ ms.dispatch.RequestRide ok
 * </pre>
 */
public final class TraceTree {

    private TraceTree() {
    }

    /** The whole trace, or a line saying it was not found. */
    public static String render(List<SpanRecord> spans) {
        if (spans.isEmpty()) {
            return "no process holds this trace: it is older than the last traces each keeps, or the id is wrong\n";
        }
        Set<String> ids = spans.stream().map(SpanRecord::spanId).collect(Collectors.toSet());
        Map<String, List<SpanRecord>> children = new HashMap<>();
        List<SpanRecord> roots = new ArrayList<>();
        for (SpanRecord span : spans) {
            if (ids.contains(span.parentSpanId())) {
                children.computeIfAbsent(span.parentSpanId(), id -> new ArrayList<>()).add(span);
            } else {
                roots.add(span);
            }
        }
        long start = spans.stream().mapToLong(SpanRecord::startMicros).min().orElseThrow();
        long end = spans.stream().mapToLong(SpanRecord::endMicros).max().orElseThrow();
        long errors = spans.stream().filter(SpanRecord::failed).count();
        StringBuilder out = new StringBuilder();
        out.append("trace ").append(spans.getFirst().traceId()).append(": ").append(spans.size()).append(" spans, ")
                .append(millis(end - start)).append(", ").append(errors).append(errors == 1 ? " error" : " errors").append('\n');
        out.append(String.format(Locale.ROOT, "  %9s %9s %9s  %-7s %-10s %-44s %s%n", "start", "took", "own", "hop",
                "service", "name", "outcome"));
        SpanRecord[] slowest = {null};
        long[] slowestOwn = {-1};
        roots.sort(Comparator.comparingLong(SpanRecord::startMicros));
        for (SpanRecord root : roots) {
            write(out, root, children, start, "", slowest, slowestOwn);
        }
        if (slowest[0] != null && end > start) {
            SpanRecord span = slowest[0];
            out.append(String.format(Locale.ROOT, "most time of its own: %s %s %s, %s (%d%% of the trace)%n",
                    span.service(), span.hop(), span.name(), millis(slowestOwn[0]), Math.round(100.0 * slowestOwn[0] / (end - start))));
        }
        return out.toString();
    }

    private static void write(StringBuilder out, SpanRecord span, Map<String, List<SpanRecord>> children, long start,
                              String indent, SpanRecord[] slowest, long[] slowestOwn) {
        List<SpanRecord> below = children.getOrDefault(span.spanId(), List.of()).stream()
                .sorted(Comparator.comparingLong(SpanRecord::startMicros)).toList();
        long own = span.durationMicros() - covered(span, below);
        if (own > slowestOwn[0]) {
            slowestOwn[0] = own;
            slowest[0] = span;
        }
        String outcome = span.hop().equals("HTTP") ? String.valueOf(span.code())
                : span.failed() ? span.error() : "ok";
        out.append(String.format(Locale.ROOT, "  %9s %9s %9s  %-7s %-10s %-44s %s%n", millis(span.startMicros() - start),
                millis(span.durationMicros()), millis(own), span.hop(), span.service(), indent + span.name(), outcome));
        for (String note : span.notes()) {
            out.append(String.format(Locale.ROOT, "  %29s  %-7s %-10s %s! %s%n", "", "", "", indent + "  ", note));
        }
        for (SpanRecord child : below) {
            write(out, child, children, start, indent.isEmpty() ? "└ " : "  " + indent, slowest, slowestOwn);
        }
    }

    /** How much of the parent's time its children cover (overlapping children counted once). */
    private static long covered(SpanRecord parent, List<SpanRecord> children) {
        long covered = 0;
        long reach = parent.startMicros();
        for (SpanRecord child : children) {
            long from = Math.max(reach, Math.max(child.startMicros(), parent.startMicros()));
            long to = Math.min(child.endMicros(), parent.endMicros());
            if (to > from) {
                covered += to - from;
                reach = to;
            }
        }
        return covered;
    }

    private static String millis(long micros) {
        return String.format(Locale.ROOT, "%.1fms", micros / 1000.0);
    }
}
