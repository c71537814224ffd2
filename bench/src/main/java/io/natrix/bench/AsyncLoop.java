package io.natrix.bench;

import io.nats.client.Connection;
import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Raw jnats without any waiting thread: {@code inFlight} chains of requests, each reply's callback sending
 * the chain's next request. The client's ceiling; answers in the peers' line protocol.
 */
final class AsyncLoop {

    private AsyncLoop() {
    }

    static String run(Connection connection, String subject, byte[] payload, int inFlight, Duration duration,
                      java.nio.file.Path latencies) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder errors = new LongAdder();
        CountDownLatch stopped = new CountDownLatch(inFlight);
        Histogram all = new AtomicHistogram(Latencies.HIGHEST_NANOS, 3); // shared, as in LoadRun
        long started = System.nanoTime();
        for (int i = 0; i < inFlight; i++) {
            new Chain(connection, subject, payload, all, errors, running, stopped).next();
        }
        Thread.sleep(duration);
        running.set(false);
        if (!stopped.await(30, TimeUnit.SECONDS)) {
            return "error chains still waiting 30 s after the end";
        }
        long elapsed = System.nanoTime() - started;
        if (latencies != null) {
            Latencies.write(all, latencies);
        }
        return String.format("ok %d %d %d %d %d %d", all.getTotalCount(), errors.sum(), all.getValueAtPercentile(50),
                all.getValueAtPercentile(99), all.getValueAtPercentile(99.9), elapsed);
    }

    private record Chain(Connection connection, String subject, byte[] payload, Histogram histogram, LongAdder errors,
                         AtomicBoolean running, CountDownLatch stopped) {

        void next() {
            long sent = System.nanoTime();
            connection.requestWithTimeout(subject, payload, Client.TIMEOUT).whenComplete((reply, error) -> {
                if (error == null) {
                    histogram.recordValue(System.nanoTime() - sent);
                } else {
                    errors.increment();
                }
                if (running.get()) {
                    next();
                } else {
                    stopped.countDown();
                }
            });
        }
    }
}
