package io.natrix.tracing;

import java.util.List;

/**
 * One finished span, as a process keeps it and answers for it over NATS: what the CLI and the dashboard read.
 *
 * @param traceId       32 hex digits
 * @param spanId        16 hex digits
 * @param parentSpanId  the parent's span id, empty for the trace's root
 * @param name          the subject, or the HTTP route at the gateway
 * @param hop           SERVE, LISTEN, CALL, PUBLISH or HTTP
 * @param service       the service that served or handled the hop, or the process's own service for calls
 * @param instance      the instance id, empty on the calling side
 * @param subject       the NATS subject (the path, at the gateway)
 * @param startMicros   start, microseconds since the epoch
 * @param durationMicros how long it took
 * @param code          0 when it ended well, else the error code (the HTTP status at the gateway)
 * @param error         what went wrong, empty when nothing did
 * @param notes         what happened on the way, e.g. retries
 */
public record SpanRecord(String traceId, String spanId, String parentSpanId, String name, String hop, String service,
                         String instance, String subject, long startMicros, long durationMicros, int code,
                         String error, List<String> notes) {

    /** When it ended, microseconds since the epoch. */
    public long endMicros() {
        return startMicros + durationMicros;
    }

    /** Whether this hop failed. */
    public boolean failed() {
        return !error.isEmpty();
    }
}
