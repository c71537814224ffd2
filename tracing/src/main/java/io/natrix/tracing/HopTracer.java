package io.natrix.tracing;

import io.natrix.spi.Hop;
import io.natrix.spi.HopObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.HashMap;
import java.util.Map;

/**
 * A span per hop: continues the trace context the hop came with (W3C {@code traceparent} in the NATS or HTTP
 * headers) and hands on its own span's context, so the next hop is its child. An event published or heard
 * outside any trace starts none: a driver's position every second is not worth a trace of its own.
 */
final class HopTracer implements HopObserver {

    static final AttributeKey<String> HOP = AttributeKey.stringKey("natrix.hop");
    static final AttributeKey<String> SERVICE = AttributeKey.stringKey("natrix.service");
    static final AttributeKey<String> INSTANCE = AttributeKey.stringKey("natrix.instance");
    static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("natrix.endpoint");
    static final AttributeKey<String> SUBJECT = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<Long> CODE = AttributeKey.longKey("natrix.code");

    private static final W3CTraceContextPropagator PROPAGATOR = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Map<String, String>> FROM_HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;

    HopTracer(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public Scope begin(Hop hop) {
        Context parent = PROPAGATOR.extract(Context.root(), hop.headers(), FROM_HEADERS);
        boolean continues = Span.fromContext(parent).getSpanContext().isValid();
        if (!continues && (hop.kind() == Hop.Kind.PUBLISH || hop.kind() == Hop.Kind.LISTEN)) {
            return Scope.NONE;
        }
        Span span = tracer.spanBuilder(hop.kind() == Hop.Kind.HTTP ? hop.name() : hop.subject())
                .setParent(parent)
                .setSpanKind(kind(hop.kind()))
                .setAttribute(HOP, hop.kind().name())
                .setAttribute(SYSTEM, "nats")
                .setAttribute(SUBJECT, hop.subject())
                .setAttribute(SERVICE, hop.service())
                .setAttribute(INSTANCE, hop.instance())
                .setAttribute(ENDPOINT, hop.name())
                .startSpan();
        return new SpanScope(span, hop.kind());
    }

    private static SpanKind kind(Hop.Kind kind) {
        return switch (kind) {
            case SERVE, HTTP -> SpanKind.SERVER;
            case LISTEN -> SpanKind.CONSUMER;
            case CALL -> SpanKind.CLIENT;
            case PUBLISH -> SpanKind.PRODUCER;
        };
    }

    private record SpanScope(Span span, Hop.Kind kind) implements Scope {

        @Override
        public Map<String, String> headers() {
            Map<String, String> headers = new HashMap<>(4);
            PROPAGATOR.inject(Context.root().with(span), headers, Map::put);
            return headers;
        }

        @Override
        public void note(String event) {
            span.addEvent(event);
        }

        @Override
        public void end(int code, String message) {
            span.setAttribute(CODE, (long) code);
            boolean failed = kind == Hop.Kind.HTTP ? code >= 500 : code != OK;
            if (failed) {
                span.setStatus(StatusCode.ERROR, message == null || message.isEmpty() ? "code " + code : code + ": " + message);
            }
            span.end();
        }
    }
}
