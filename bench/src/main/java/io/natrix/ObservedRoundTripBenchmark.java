package io.natrix;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.natrix.metrics.NatrixMetrics;
import io.natrix.testkit.NatsServerProcess;
import io.natrix.tracing.NatrixTracing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What seeing the system costs ({@code ./natrix bench jmh ObservedRoundTrip}): the same echo round trip with
 * no observer, with the metrics module's hop timers on both ends, with tracing on both ends (a span per hop,
 * kept in memory), and with both. Run it with {@code -t 1} and {@code -t 16} for one and sixteen callers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ObservedRoundTripBenchmark {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] PAYLOAD = new byte[16];

    @Param({"none", "metrics", "tracing", "both"})
    public String observe;

    private NatsServerProcess server;
    private Natrix responder;
    private Natrix caller;
    private final List<NatrixTracing> tracings = new ArrayList<>();

    @Setup(Level.Trial)
    public void start() {
        server = NatsServerProcess.start(1, false).getFirst();
        responder = Natrix.builder().servers(server.url()).shutdownHook(false).connect();
        responder.service("echo").version("1.0.0").endpoint("Echo", byte[].class, bytes -> bytes).start();
        caller = Natrix.builder().servers(server.url()).shutdownHook(false).connect();
        for (Natrix natrix : List.of(responder, caller)) {
            if (observe.equals("metrics") || observe.equals("both")) {
                NatrixMetrics.bind(natrix, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            }
            if (observe.equals("tracing") || observe.equals("both")) {
                tracings.add(NatrixTracing.builder(natrix).serviceName("bench").install());
            }
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        tracings.forEach(NatrixTracing::close);
        caller.close();
        responder.close();
        server.stop();
    }

    @Benchmark
    public byte[] call() {
        return caller.call("ms.echo.Echo", PAYLOAD, byte[].class, TIMEOUT);
    }
}
