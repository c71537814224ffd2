package io.natrix;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * An endpoint's recent latencies: recorded wait-free on each request (HdrHistogram's {@link Recorder}); read
 * as the percentiles of the last complete window of at least {@link #WINDOW}, so a reader sees what the
 * endpoint does now, not since it started, and two readers (a CLI and a dashboard) do not reset each other.
 */
final class LatencyWindow {

    static final Duration WINDOW = Duration.ofSeconds(5);
    private static final long MAX_NANOS = Duration.ofMinutes(10).toNanos();

    private final Recorder recorder = new Recorder(MAX_NANOS, 2);
    private Histogram last = recorder.getIntervalHistogram(); // empty: nothing recorded yet
    private Histogram spare;
    private final long windowNanos;
    private final LongSupplier clock;
    private long windowStarted;

    LatencyWindow() {
        this(WINDOW, System::nanoTime);
    }

    /** A window of {@code window}, timed by {@code clock} (nanoseconds, as {@link System#nanoTime}). */
    LatencyWindow(Duration window, LongSupplier clock) {
        this.windowNanos = window.toNanos();
        this.clock = clock;
        this.windowStarted = clock.getAsLong();
    }

    void record(long nanos) {
        recorder.recordValue(Math.min(Math.max(nanos, 0), MAX_NANOS));
    }

    /** p50 and p99 of the last complete window; zero when it had no request. */
    synchronized Percentiles percentiles() {
        long now = clock.getAsLong();
        if (now - windowStarted >= windowNanos) {
            Histogram interval = recorder.getIntervalHistogram(spare);
            spare = last;
            last = interval;
            windowStarted = now;
        }
        return new Percentiles(Duration.ofNanos(last.getValueAtPercentile(50)), Duration.ofNanos(last.getValueAtPercentile(99)),
                last.getTotalCount());
    }

    record Percentiles(Duration p50, Duration p99, long count) {
    }
}
