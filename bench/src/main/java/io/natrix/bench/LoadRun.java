package io.natrix.bench;

import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs one client at one concurrency: closed loop, every caller on its own virtual thread. Its percentiles are
 * corrected for coordinated omission ({@link Latencies}); {@code histogram} holds the samples as recorded.
 */
final class LoadRun {

    record Result(String client, int concurrency, double perSecond, double p50Micros, double p99Micros,
                  double p999Micros, long errors, long count, long elapsedNanos, Histogram histogram) {
    }

    /** Where slow calls go when the bench asked ({@code bench peers --stall-log}). */
    private static final StallLog STALLS = StallLog.fromEnvironment();

    private LoadRun() {
    }

    static Result run(Client client, int concurrency, Duration warmup, Duration measure) throws InterruptedException {
        drive(client, concurrency, warmup);
        return drive(client, concurrency, measure);
    }

    /** One closed-loop run of {@code duration}, no warm-up: the caller decides what warms up. */
    static Result drive(Client client, int concurrency, Duration duration) throws InterruptedException {
        return drive(client, Thread.ofVirtual(), concurrency, duration);
    }

    /** {@link #drive(Client, int, Duration)}, every caller a thread of {@code threads}. */
    static Result drive(Client client, Thread.Builder threads, int concurrency, Duration duration)
            throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder errors = new LongAdder();
        // one histogram that every caller records into: a histogram per caller cost 200 MB at 1,024 callers,
        // and the collector's pauses then showed up as the benchmark's own tail latency
        Histogram all = new AtomicHistogram(Latencies.HIGHEST_NANOS, 3);
        List<Thread> callers = new ArrayList<>();
        long startedAt = StallLog.epochNanos();
        long started = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            callers.add(threads.start(() -> {
                while (running.get()) {
                    long t0 = System.nanoTime();
                    try {
                        client.call();
                        long took = System.nanoTime() - t0;
                        all.recordValue(took);
                        if (STALLS != null) {
                            STALLS.call(took);
                        }
                    } catch (Exception e) {
                        errors.increment();
                    }
                }
            }));
        }
        Thread.sleep(duration);
        running.set(false);
        for (Thread caller : callers) {
            caller.join();
        }
        long elapsed = System.nanoTime() - started;
        if (STALLS != null) {
            STALLS.endRun(client.name(), startedAt);
        }
        double seconds = elapsed / 1e9;
        Latencies.Percentiles corrected = Latencies.of(all);
        return new Result(client.name(), concurrency, all.getTotalCount() / seconds, corrected.correctedP50(),
                corrected.correctedP99(), corrected.correctedP999(), errors.sum(), all.getTotalCount(), elapsed, all);
    }
}
