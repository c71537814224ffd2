package io.natrix.tracing;

/**
 * One trace in a listing of recent ones.
 *
 * @param traceId        32 hex digits
 * @param root           the first hop's name (e.g. {@code POST /v1/rides}), as far as the answering processes know
 * @param startMicros    when its first known span started, microseconds since the epoch
 * @param durationMicros from its first start to its last end
 * @param spans          spans known
 * @param errors         spans that failed
 */
public record TraceSummary(String traceId, String root, long startMicros, long durationMicros, int spans, int errors) {
}
