package io.natrix.ride;

import io.nats.client.JetStreamApiException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * Through a NATS server's death: JetStream answers 503 ("no responders") while a stream or key-value bucket
 * has no leader (its server died and the others are electing one, which takes a few seconds), and a request
 * sent to the dying leader gets no answer at all ("Timeout or no response waiting for NATS JetStream server").
 * The operation is sent again every 100 ms, for up to {@link #PATIENCE}; any other failure is the caller's.
 *
 * <p>After a timeout the first attempt may have been stored with only its acknowledgement lost, so every
 * operation given here must be safe to repeat: the ride ledger recognises its own step, a driver claim its own
 * ride, a user's creation its own request id; a conditional delete or a read needs nothing. Shared by dispatch
 * and users, the services that keep state in JetStream.
 */
public final class WhileElecting {

    public static final Duration PATIENCE = Duration.ofSeconds(5);

    /** One JetStream operation. */
    public interface Operation<T> {
        T run() throws IOException, JetStreamApiException;
    }

    private WhileElecting() {
    }

    /** A 503 from JetStream, or no answer from it: both what a server's death looks like from here. */
    public static boolean electing(IOException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("503") || message.contains("Timeout or no response waiting for NATS JetStream server");
    }

    public static <T> T retry(Operation<T> operation) throws IOException, JetStreamApiException {
        long giveUp = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                return operation.run();
            } catch (IOException e) {
                if (!electing(e) || System.nanoTime() > giveUp) {
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
