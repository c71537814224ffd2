package io.natrix.examples;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.natrix.Natrix;
import io.natrix.RequestContext;
import io.natrix.metrics.NatrixMetrics;
import io.natrix.tracing.NatrixTracing;
import io.natrix.tracing.SpanRecord;
import io.natrix.tracing.TraceTree;
import io.natrix.tracing.Traces;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Seeing a system: two services traced and metered, one request made slow on purpose, and its trace read back
 * over NATS the way {@code natrix trace ID} reads it, showing which hop took the time.
 */
public final class TracedUsers {

    record GetProfile(String id) {
    }

    record Profile(String id, String name, int rides) {
    }

    record CountRides(String id) {
    }

    private TracedUsers() {
    }

    /** Starts both services, makes one call under a known trace id, and returns that trace as text. */
    public static String slowCallExplained(Natrix natrix, PrometheusMeterRegistry registry) {
        natrix.service("profiles").version("1.0.0")
                .endpoint("GetProfile", GetProfile.class, request -> new Profile(request.id(), "Ada",
                        natrix.call("ms.rides.Count", new CountRides(request.id()), Integer.class, Duration.ofSeconds(2))))
                .start();
        natrix.service("rides").version("1.0.0")
                .endpoint("Count", CountRides.class, request -> {
                    Thread.sleep(120);   // the slow part: a trace shows it is here, not in profiles
                    return 7;
                })
                .start();
        NatrixMetrics.bind(natrix, registry); // latency timers and errors by code for every hop from now on

        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        RequestContext.of(Map.of(RequestContext.TRACEPARENT, "00-" + traceId + "-00f067aa0ba902b7-01"))
                .call(() -> natrix.call("ms.profiles.GetProfile", new GetProfile("42"), Profile.class, Duration.ofSeconds(3)));

        List<SpanRecord> spans = Traces.fetch(natrix.nats(), traceId, Duration.ofMillis(300));
        return TraceTree.render(spans);
    }

    public static void main(String[] args) {
        try (Natrix natrix = Connect.from(args);
             NatrixTracing tracing = NatrixTracing.builder(natrix).serviceName("profiles-and-rides").install()) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            System.out.print(slowCallExplained(natrix, registry));
            registry.scrape().lines().filter(line -> line.startsWith("natrix_endpoint_latency_seconds{"))
                    .forEach(System.out::println);
        }
    }
}
