package io.natrix;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The latest successful call latencies per subject, for hedging at the 95th percentile. */
final class SubjectLatencies {

    /** No p95 from fewer calls than this. */
    static final int MIN_SAMPLES = 20;
    private static final int WINDOW = 128;

    private final Map<String, Window> bySubject = new ConcurrentHashMap<>();

    void record(String subject, long nanos) {
        bySubject.computeIfAbsent(subject, s -> new Window()).add(nanos);
    }

    Optional<Duration> p95(String subject) {
        Window window = bySubject.get(subject);
        return window == null ? Optional.empty() : window.p95();
    }

    /** The last {@value #WINDOW} latencies, overwritten round the ring. */
    private static final class Window {
        private final long[] nanos = new long[WINDOW];
        private int next;
        private int count;

        synchronized void add(long value) {
            nanos[next] = value;
            next = (next + 1) % WINDOW;
            count = Math.min(count + 1, WINDOW);
        }

        Optional<Duration> p95() {
            long[] copy;
            synchronized (this) {
                if (count < MIN_SAMPLES) {
                    return Optional.empty();
                }
                copy = Arrays.copyOf(nanos, count);
            }
            Arrays.sort(copy);
            return Optional.of(Duration.ofNanos(copy[(int) Math.ceil(copy.length * 0.95) - 1]));
        }
    }
}
