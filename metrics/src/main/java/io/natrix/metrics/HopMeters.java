package io.natrix.metrics;

import io.natrix.spi.Hop;
import io.natrix.spi.HopObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Times every hop and counts errors by code: the numbers natrix's own counters cannot give. Timers publish
 * p50 and p99, which Micrometer keeps in HdrHistogram-backed sliding windows (Micrometer's Prometheus registry
 * publishes either quantiles or histogram buckets for a timer, not both: quantiles were chosen, since the
 * issue's panels and the CLI show p50/p99 per instance).
 */
final class HopMeters implements HopObserver {

    private static final Duration MIN = Duration.ofNanos(50_000);
    private static final Duration MAX = Duration.ofSeconds(30);

    private final MeterRegistry registry;
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();
    private final Map<Key, Counter> errors = new ConcurrentHashMap<>();

    HopMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One meter's identity: which meter, and its tag values. */
    private record Key(Hop.Kind kind, String service, String instance, String name, String outcome) {
    }

    @Override
    public Scope begin(Hop hop) {
        long started = System.nanoTime();
        return (code, message) -> {
            long took = System.nanoTime() - started;
            boolean ok = hop.kind() == Hop.Kind.HTTP ? code < 500 : code == OK;
            String outcome = hop.kind() == Hop.Kind.HTTP ? Integer.toString(code) : ok ? "ok" : "error";
            timers.computeIfAbsent(new Key(hop.kind(), hop.service(), hop.instance(), hop.name(), outcome), this::timer)
                    .record(took, TimeUnit.NANOSECONDS);
            if (hop.kind() == Hop.Kind.SERVE && code != OK) {
                errors.computeIfAbsent(new Key(hop.kind(), hop.service(), hop.instance(), hop.name(), Integer.toString(code)),
                        this::errorCounter).increment();
            }
        };
    }

    private Timer timer(Key key) {
        Timer.Builder builder = switch (key.kind()) {
            case SERVE -> Timer.builder("natrix.endpoint.latency").description("time to answer a request, from its admission")
                    .tags("service", key.service(), "instance", key.instance(), "endpoint", key.name(), "outcome", key.outcome());
            case LISTEN -> Timer.builder("natrix.listener.latency").description("time to handle an event")
                    .tags("service", key.service(), "instance", key.instance(), "subject", key.name(), "outcome", key.outcome());
            case CALL -> Timer.builder("natrix.call.latency").description("time a call took, retries and hedges included")
                    .tags("subject", key.name(), "outcome", key.outcome());
            case PUBLISH -> Timer.builder("natrix.publish.latency").description("time to hand an event to NATS (to JetStream for a durable one)")
                    .tags("subject", key.name(), "outcome", key.outcome());
            case HTTP -> Timer.builder("natrix.gateway.requests").description("HTTP requests at the gateway, by route and status")
                    .tags("instance", key.instance(), "route", key.name(), "status", key.outcome());
        };
        return builder.publishPercentiles(0.5, 0.99)
                .minimumExpectedValue(MIN).maximumExpectedValue(MAX).register(registry);
    }

    private Counter errorCounter(Key key) {
        return Counter.builder("natrix.endpoint.errors.by.code").description("requests answered with an error, by its code")
                .tags("service", key.service(), "instance", key.instance(), "endpoint", key.name(), "code", key.outcome())
                .register(registry);
    }
}
