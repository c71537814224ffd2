package io.natrix;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The codec as a handler uses it: on a virtual thread that is new for every request
 * ({@code ./natrix bench jmh CodecOnVirtual}). Jackson's default buffer recycler keeps its buffers in a
 * thread-local, so each new thread allocated them afresh (a 2,000-char and an 8,000-byte buffer per request);
 * natrix's mapper uses a shared pool instead. {@code nothing} is the cost of the thread alone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecOnVirtualThreadsBenchmark {

    public record User(String id, String name, String email, String role) {
    }

    /** natrix's default mapper, or Jackson's own default (a thread-local recycler). */
    @Param({"natrix", "thread-local"})
    public String mapper;

    private JsonCodec codec;
    private final User user = new User("42", "Ada Lovelace", "ada@example.com", "rider");
    private byte[] json;

    @Setup
    public void start() {
        codec = new JsonCodec(mapper.equals("natrix") ? JsonCodec.defaultMapper()
                : JsonMapper.builder(JsonFactory.builder().recyclerPool(JsonRecyclerPools.threadLocalPool()).build())
                        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());
        json = codec.encode(user);
    }

    private static final int BATCH = 1_000;

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decodeAndEncodeOnANewVirtualThread() {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < BATCH; i++) {
                threads.execute(() -> codec.encode(codec.decode(json, User.class)));
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void nothingOnANewVirtualThread() {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < BATCH; i++) {
                threads.execute(() -> { });
            }
        }
    }
}
