package io.natrix;

import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValueOptions;
import io.nats.client.ObjectStoreOptions;

import java.time.Duration;

/**
 * The options to open JetStream, key-value and object-store contexts with. Without them jnats gives each
 * JetStream request the connection's connect timeout as its own, and a TLS connection's is long (25 s:
 * {@link Natrix.Builder#trust}, for cold JVMs' handshakes), so a request that gets no answer (a stream leader
 * that just died) would wait 25 s where callers expect about two and retry.
 */
public final class JetStreamDefaults {

    /** How long a JetStream request waits for its answer: jnats's own default, whatever the connection's. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private static final JetStreamOptions JET_STREAM = JetStreamOptions.builder().requestTimeout(REQUEST_TIMEOUT).build();

    private JetStreamDefaults() {
    }

    /** For {@code connection.jetStream(..)} and {@code connection.jetStreamManagement(..)}. */
    public static JetStreamOptions jetStream() {
        return JET_STREAM;
    }

    /** For {@code connection.keyValue(bucket, ..)} and {@code connection.keyValueManagement(..)}. */
    public static KeyValueOptions keyValue() {
        return KeyValueOptions.builder().jetStreamOptions(JET_STREAM).build();
    }

    /** For {@code connection.objectStore(bucket, ..)} and {@code connection.objectStoreManagement(..)}. */
    public static ObjectStoreOptions objectStore() {
        return ObjectStoreOptions.builder().jetStreamOptions(JET_STREAM).build();
    }
}
