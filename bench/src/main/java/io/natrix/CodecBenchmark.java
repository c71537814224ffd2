package io.natrix;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The codec on every natrix call and event ({@code ./natrix bench jmh Codec}): a driver's position and a
 * user, written and read with natrix's mapper, beside the raw {@code byte[]} pass-through.
 * In package {@code io.natrix} because the codec is package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CodecBenchmark {

    public record Point(String driverId, double lat, double lon, long at) {
    }

    public record User(String id, String name, String email, String role) {
    }

    private JsonCodec codec;
    private final Point point = new Point("driver-1234", 32.0853, 34.7818, 1_764_600_000_000L);
    private final User user = new User("42", "Ada Lovelace", "ada@example.com", "rider");
    private byte[] pointJson;
    private byte[] userJson;
    private final byte[] raw = new byte[16];

    @Setup
    public void start() {
        codec = new JsonCodec(JsonCodec.defaultMapper());
        pointJson = codec.encode(point);
        userJson = codec.encode(user);
    }

    @Benchmark
    public byte[] encodePoint() {
        return codec.encode(point);
    }

    @Benchmark
    public Point decodePoint() {
        return codec.decode(pointJson, Point.class);
    }

    @Benchmark
    public byte[] encodeUser() {
        return codec.encode(user);
    }

    @Benchmark
    public User decodeUser() {
        return codec.decode(userJson, User.class);
    }

    @Benchmark
    public byte[] rawBytesBothWays() {
        return codec.decode(codec.encode(raw), byte[].class);
    }
}
