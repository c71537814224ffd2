package io.natrix.ride.dispatch;

import io.nats.client.JetStreamApiException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * JetStream answers 503 ("no responders") while a stream or key-value bucket has no leader: its server died and
 * the others are electing one, which takes a few seconds. Nothing was stored, so the operation is sent again
 * every 100 ms, for up to {@link #PATIENCE}; any other failure is the caller's to handle.
 */
final class WhileElecting {

    static final Duration PATIENCE = Duration.ofSeconds(5);

    /** One JetStream operation. */
    interface Operation<T> {
        T run() throws IOException, JetStreamApiException;
    }

    private WhileElecting() {
    }

    static <T> T retry(Operation<T> operation) throws IOException, JetStreamApiException {
        long giveUp = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                return operation.run();
            } catch (IOException e) {
                if (!String.valueOf(e.getMessage()).contains("503") || System.nanoTime() > giveUp) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while JetStream elected a leader");
                }
            }
        }
    }
}
