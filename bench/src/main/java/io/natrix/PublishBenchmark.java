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
 * What natrix's publish adds to jnats's ({@code ./natrix bench jmh Publish}): {@code natrix.publish} of a
 * 16-byte event beside raw jnats's {@code publish} of the same bytes, each on its own connection to a
 * nats-server this benchmark starts, nobody listening. Both hand the message to jnats's writer thread; the
 * difference is natrix's own path (the hop observers see, the request context carried).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PublishBenchmark {

    private static final byte[] PAYLOAD = new byte[16];

    private NatsServerProcess server;
    private Natrix natrix;
    private Connection raw;

    @Setup(Level.Trial)
    public void start() throws Exception {
        server = NatsServerProcess.start(1, false).getFirst();
        natrix = Natrix.builder().servers(server.url()).shutdownHook(false).connect();
        raw = Nats.connect(new io.nats.client.Options.Builder().server(server.url()).build());
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        natrix.nats().flush(Duration.ofSeconds(10));
        raw.flush(Duration.ofSeconds(10));
        raw.close();
        natrix.close();
        server.stop();
    }

    @Benchmark
    public void natrixPublish() {
        natrix.publish("bench.events", PAYLOAD);
    }

    @Benchmark
    public void jnatsPublish() {
        raw.publish("bench.events", PAYLOAD);
    }
}
