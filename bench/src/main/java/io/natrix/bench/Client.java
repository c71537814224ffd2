package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.natrix.Natrix;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One way of making a request; each kind gets its own connection so they never share a socket. */
interface Client extends AutoCloseable {

    Duration TIMEOUT = Duration.ofSeconds(10);

    String name();

    /** One round trip; throws if it failed. */
    void call() throws Exception;

    @Override
    void close();

    /** One round trip of some stack, for {@link #of}. */
    @FunctionalInterface
    interface Call {
        void call() throws Exception;
    }

    /** A client over a connection someone else owns: closing it closes nothing. */
    static Client of(String name, Call call) {
        return new Client() {
            public String name() {
                return name;
            }

            public void call() throws Exception {
                call.call();
            }

            public void close() {
            }
        };
    }

    static List<Client> all(String url, byte[] payload) throws IOException, InterruptedException {
        return List.of(new NatrixBytes(url, payload), new NatrixBytes(url, payload, Responder.RAW, "natrix client, raw responder"),
                new JnatsFuture(url, payload, Responder.NATRIX_BYTES, "raw client, natrix responder"), new NatrixJson(url, payload),
                new JnatsFuture(url, payload), new JnatsBlocking(url, payload));
    }

    /** natrix {@code call} with raw bytes: the same work as raw jnats plus everything natrix adds. */
    final class NatrixBytes implements Client {
        private final Natrix natrix;
        private final byte[] payload;
        private final String subject;
        private final String name;

        NatrixBytes(String url, byte[] payload) {
            this(url, payload, Responder.NATRIX_BYTES, "natrix call (bytes)");
        }

        NatrixBytes(String url, byte[] payload, String subject, String name) {
            this.natrix = Natrix.builder().servers(url).connectionName("bench-natrix-bytes").shutdownHook(false).connect();
            this.payload = payload;
            this.subject = subject;
            this.name = name;
        }

        public String name() {
            return name;
        }

        public void call() {
            natrix.call(subject, payload, byte[].class, TIMEOUT);
        }

        public void close() {
            natrix.close();
        }
    }

    /** natrix {@code call} with a JSON record each way (Jackson). */
    final class NatrixJson implements Client {
        private final Natrix natrix;
        private final Responder.Payload payload;

        NatrixJson(String url, byte[] payload) {
            this.natrix = Natrix.builder().servers(url).connectionName("bench-natrix-json").shutdownHook(false).connect();
            this.payload = new Responder.Payload(new String(payload, java.nio.charset.StandardCharsets.ISO_8859_1));
        }

        public String name() {
            return "natrix call (JSON)";
        }

        public void call() {
            natrix.call(Responder.NATRIX_JSON, payload, Responder.Payload.class, TIMEOUT);
        }

        public void close() {
            natrix.close();
        }
    }

    /** Raw jnats, {@code requestWithTimeout(...).get()} per virtual thread. */
    final class JnatsFuture implements Client {
        private final Connection connection;
        private final byte[] payload;
        private final String subject;
        private final String name;

        JnatsFuture(String url, byte[] payload) throws IOException, InterruptedException {
            this(url, payload, Responder.RAW, "raw jnats future.get()");
        }

        JnatsFuture(String url, byte[] payload, String subject, String name) throws IOException, InterruptedException {
            this.connection = RawNats.connect(url, "bench-jnats-future");
            this.payload = payload;
            this.subject = subject;
            this.name = name;
        }

        public String name() {
            return name;
        }

        public void call() throws Exception {
            connection.requestWithTimeout(subject, payload, TIMEOUT).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        public void close() {
            closeQuietly(connection);
        }
    }

    /** Raw jnats, blocking {@code request()} per virtual thread. */
    final class JnatsBlocking implements Client {
        private final Connection connection;
        private final byte[] payload;

        JnatsBlocking(String url, byte[] payload) throws IOException, InterruptedException {
            this.connection = RawNats.connect(url, "bench-jnats-blocking");
            this.payload = payload;
        }

        public String name() {
            return "raw jnats request()";
        }

        public void call() throws Exception {
            Message reply = connection.request(Responder.RAW, payload, TIMEOUT);
            if (reply == null) {
                throw new IllegalStateException("timed out");
            }
        }

        public void close() {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
