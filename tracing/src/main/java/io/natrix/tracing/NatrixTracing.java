package io.natrix.tracing;

import io.natrix.Natrix;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.api.common.AttributeKey;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry tracing for one connection: a span for every hop (requests served, events handled, calls,
 * publishes, the gateway's HTTP requests), W3C trace context carried in NATS headers from hop to hop, the last
 * traces kept in memory and answered for over NATS ({@link Traces}), and OTLP export when an endpoint is given.
 *
 * <pre>{@code
 * try (NatrixTracing tracing = NatrixTracing.builder(natrix).serviceName("dispatch").install()) {
 *     ...   // every hop of natrix is traced; `natrix trace ID` finds its spans
 * }
 * }</pre>
 */
public final class NatrixTracing implements AutoCloseable {

    /**
     * Spans kept in memory per process unless {@link Builder#keepSpans} says otherwise: 512 bytes each (10 MB,
     * allocated when tracing is installed), about 5,000 short traces; in the demo, by arithmetic, about a minute
     * of a dispatch instance's (see the README).
     */
    public static final int DEFAULT_KEEP_SPANS = 20_000;

    private final SdkTracerProvider provider;
    private final TraceQueries queries;
    private final RecentTraces recent;

    private NatrixTracing(SdkTracerProvider provider, TraceQueries queries, RecentTraces recent) {
        this.provider = provider;
        this.queries = queries;
        this.recent = recent;
    }

    /** Tracing for {@code natrix}, configured by the builder. */
    public static Builder builder(Natrix natrix) {
        return new Builder(natrix);
    }

    /** The spans of one trace this process holds (the others' need {@link Traces#fetch}). */
    public List<SpanRecord> local(String traceId) {
        return recent.trace(traceId);
    }

    /** Stops answering trace queries and flushes the exporter. The connection stays open. */
    @Override
    public void close() {
        queries.close();
        provider.shutdown().join(5, TimeUnit.SECONDS);
    }

    /** How to trace. */
    public static final class Builder {
        private final Natrix natrix;
        private String serviceName = "natrix";
        private int keepSpans = DEFAULT_KEEP_SPANS;
        private URI otlpEndpoint;
        private double sampleRatio = 1.0;

        private Builder(Natrix natrix) {
            this.natrix = Objects.requireNonNull(natrix, "natrix");
            Optional.ofNullable(System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT")).filter(value -> !value.isBlank())
                    .map(URI::create).ifPresent(endpoint -> otlpEndpoint = endpoint);
        }

        /** The process's service name: {@code service.name} of its spans, and the service its calls are made by. */
        public Builder serviceName(String serviceName) {
            this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
            return this;
        }

        /**
         * How many of the last spans to keep in memory (default {@value #DEFAULT_KEEP_SPANS}), 512 bytes each: the
         * oldest are overwritten first.
         */
        public Builder keepSpans(int spans) {
            if (spans < 1) {
                throw new IllegalArgumentException("keep at least one span, got " + spans);
            }
            this.keepSpans = spans;
            return this;
        }

        /**
         * Also send spans over OTLP/HTTP to a collector at this base address, e.g. {@code http://localhost:4318}
         * (spans go to {@code /v1/traces}). Default: {@code OTEL_EXPORTER_OTLP_ENDPOINT} if set, else none.
         */
        public Builder otlpEndpoint(URI endpoint) {
            this.otlpEndpoint = endpoint;
            return this;
        }

        /**
         * The share of traces started here that are recorded (default 1: all). A trace continued from a caller
         * follows the caller's decision (the {@code traceparent} flags), so a trace is whole or absent.
         * Tracing every hop costs throughput on a CPU-bound machine (BENCHMARKS.md); sample when that matters.
         */
        public Builder sampleRatio(double ratio) {
            if (!(ratio >= 0 && ratio <= 1)) {
                throw new IllegalArgumentException("sampleRatio is between 0 and 1, got " + ratio);
            }
            this.sampleRatio = ratio;
            return this;
        }

        /** Starts tracing every hop of the connection from now on. */
        public NatrixTracing install() {
            RecentTraces recent = new RecentTraces(keepSpans, serviceName);
            SdkTracerProviderBuilder provider = SdkTracerProvider.builder()
                    .setResource(Resource.getDefault().merge(Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), serviceName))))
                    .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampleRatio)))
                    // kept as each span ends, so a trace is readable the moment its request is answered; a batch
                    // processor was measured too and was no faster (16 callers: 0.67x of no tracing either way)
                    .addSpanProcessor(SimpleSpanProcessor.create(recent));
            if (otlpEndpoint != null) {
                String base = otlpEndpoint.toString().replaceAll("/+$", "");
                provider.addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                                .setEndpoint(base + "/v1/traces").setTimeout(Duration.ofSeconds(5)).build())
                        .setScheduleDelay(Duration.ofMillis(500)).build());
            }
            SdkTracerProvider built = provider.build();
            natrix.observe(new HopTracer(built.get("io.natrix")));
            return new NatrixTracing(built, new TraceQueries(natrix.nats(), recent), recent);
        }
    }
}
