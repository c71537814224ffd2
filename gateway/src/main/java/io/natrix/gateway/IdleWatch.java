package io.natrix.gateway;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Disconnects streams that make no progress: a client that sends nothing, or one that reads nothing while the
 * gateway writes. One scheduler thread sweeps every watched stream; a stream idle past the timeout has its
 * virtual thread interrupted, which closes its socket and ends its blocked read or write.
 */
final class IdleWatch implements AutoCloseable {

    private final Duration timeout;
    private final Set<Watch> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sweeper;

    IdleWatch(Duration timeout) {
        this.timeout = timeout;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("natrix-gateway-idle").daemon().factory());
        long period = Math.max(50, timeout.toMillis() / 4);
        sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** Watches the calling thread until the returned watch is closed. */
    Watch watchCurrentThread() {
        Watch watch = new Watch(Thread.currentThread());
        watched.add(watch);
        return watch;
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Watch watch : watched) {
            if (now - watch.lastProgress > timeout.toNanos() && !watch.expired) {
                watch.expired = true;
                watch.thread.interrupt();
            }
        }
    }

    Duration timeout() {
        return timeout;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }

    /** One watched stream. */
    final class Watch implements AutoCloseable {
        private final Thread thread;
        private volatile long lastProgress = System.nanoTime();
        private volatile boolean expired;

        private Watch(Thread thread) {
            this.thread = thread;
        }

        /** The stream moved: a line arrived or a write went through. */
        void progress() {
            lastProgress = System.nanoTime();
        }

        /** Whether the watch ended the stream. */
        boolean expired() {
            return expired;
        }

        @Override
        public void close() {
            watched.remove(this);
            if (expired) {
                Thread.interrupted(); // the interrupt was for the blocked I/O, not for whoever runs next
            }
        }
    }
}
