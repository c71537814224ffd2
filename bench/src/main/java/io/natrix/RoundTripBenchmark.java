package io.natrix;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.natrix.testkit.NatsServerProcess;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Reply routing, one caller at a time ({@code ./natrix bench jmh RoundTrip}): a natrix call (its replies
 * completed on its own connection's reader thread by {@link ReplyRouter}) beside raw jnats's {@code requestWithTimeout}
 * (replies through jnats's inbox dispatcher) and blocking {@code request}, against the same echo on a
 * nats-server this benchmark starts. A regression in how replies reach their callers shows here first.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RoundTripBenchmark {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] PAYLOAD = new byte[16];

    private NatsServerProcess server;
    private Natrix responder;
    private Natrix caller;
    private Connection raw;

    @Setup(Level.Trial)
    public void start() throws Exception {
        server = NatsServerProcess.start(1, false).getFirst();
        responder = Natrix.builder().servers(server.url()).shutdownHook(false).connect();
        responder.service("echo").version("1.0.0").endpoint("Echo", byte[].class, bytes -> bytes).start();
        caller = Natrix.builder().servers(server.url()).shutdownHook(false).connect();
        // the flush natrix turns off, off for the raw client too: the same connection options on both sides
        raw = Nats.connect(new io.nats.client.Options.Builder().server(server.url()).dontForceFlushOnRequest().build());
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        raw.close();
        caller.close();
        responder.close();
        server.stop();
    }

    @Benchmark
    public byte[] natrixCall() {
        return caller.call("ms.echo.Echo", PAYLOAD, byte[].class, TIMEOUT);
    }

    @Benchmark
    public byte[] jnatsRequestWithTimeout() throws Exception {
        return raw.requestWithTimeout("ms.echo.Echo", PAYLOAD, TIMEOUT).get(5, TimeUnit.SECONDS).getData();
    }

    @Benchmark
    public byte[] jnatsBlockingRequest() throws Exception {
        return raw.request("ms.echo.Echo", PAYLOAD, TIMEOUT).getData();
    }
}
