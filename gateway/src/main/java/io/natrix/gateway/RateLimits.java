package io.natrix.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keyed token buckets and stream counts: the gateway's {@link Limits} per identity. A bucket holds up to its
 * burst, refills at its rate, and is forgotten once full (a sweep at most once a minute, by whichever take comes
 * due), so a flood of one-off keys (addresses) cannot grow the map for ever.
 */
final class RateLimits {

    static final long SWEEP_EVERY_NANOS = 60_000_000_000L;

    /** One key's bucket: tokens and the time they were counted at. */
    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    /** One rate: its buckets by key. */
    static final class Rate {
        private final double perSecond;
        private final int burst;
        private final LongSupplier nanos;
        private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
        private final AtomicLong nextSweep;

        Rate(double perSecond, int burst, LongSupplier nanos) {
            this.perSecond = perSecond;
            this.burst = burst;
            this.nanos = nanos;
            this.nextSweep = new AtomicLong(nanos.getAsLong() + SWEEP_EVERY_NANOS);
        }

        /** Takes one token for {@code key}: 0 when allowed, else the whole seconds until one is there. */
        int take(String key) {
            long now = nanos.getAsLong();
            long due = nextSweep.get(); // a read per take: one sweeper a minute, not a counter every take writes
            if (now - due >= 0 && nextSweep.compareAndSet(due, now + SWEEP_EVERY_NANOS)) {
                sweep(now);
            }
            Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
            synchronized (bucket) {
                bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) / 1e9 * perSecond);
                bucket.at = now;
                if (bucket.tokens >= 1) {
                    bucket.tokens -= 1;
                    return 0;
                }
                return (int) Math.ceil((1 - bucket.tokens) / perSecond);
            }
        }

        double perSecond() {
            return perSecond;
        }

        private void sweep(long now) {
            buckets.entrySet().removeIf(entry -> {
                synchronized (entry.getValue()) {
                    return entry.getValue().tokens + (now - entry.getValue().at) / 1e9 * perSecond >= burst;
                }
            });
        }
    }

    final Rate requests;
    final Rate open;
    final Rate events;
    private final int streams;
    private final Map<String, Integer> streamsHeld = new ConcurrentHashMap<>();

    RateLimits(Limits limits, LongSupplier nanos) {
        this.requests = new Rate(limits.requestsPerSecond(), limits.requestBurst(), nanos);
        this.open = new Rate(limits.openPerSecond(), limits.openBurst(), nanos);
        this.events = new Rate(limits.eventsPerSecond(), limits.eventBurst(), nanos);
        this.streams = limits.streams();
    }

    /** Takes a stream place for {@code key} or refuses with a 429; close the slot when the stream ends. */
    StreamCounter.Slot openStream(String key, Supplier<String> who) {
        boolean[] taken = {false};
        streamsHeld.compute(key, (k, held) -> {
            int now = held == null ? 0 : held;
            taken[0] = now < streams;
            return taken[0] ? now + 1 : now;
        });
        if (!taken[0]) {
            throw HttpProblem.tooMany("more than " + streams + " streams at once for " + who.get() + "; close one first", 1);
        }
        return () -> streamsHeld.computeIfPresent(key, (k, held) -> held <= 1 ? null : held - 1);
    }

    /** Streams {@code key} holds now. */
    int streams(String key) {
        return streamsHeld.getOrDefault(key, 0);
    }
}
