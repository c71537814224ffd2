package io.natrix;

import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Before a reader runs the thread its read woke it makes sure nothing more waits on the socket, and asks the
 * socket ({@code available()}, a system call) unless the read itself said so: a plain socket's read that got less
 * than it asked for, whole messages, one at most. Here, on a real loopback socket, bytes arrive while the read's
 * message is handled, after the read: only a reader that asks sees them and hands the thread to a carrier.
 */
class QuietReadTest {

    private static final String READER = "@quiet-read-test-reader";
    private static final String CARRIER = "@ForkJoinPool";

    @Test
    void aQuietReadOfOneMessageDoesNotAskTheSocketAgain() throws Exception {
        assertThat(whereTheWokenThreadRan(true, "MSG woke 1 1\r\nx\r\n")).contains(READER);
    }

    @Test
    void aTlsReaderAlwaysAsks() throws Exception {
        assertThat(whereTheWokenThreadRan(false, "MSG woke 1 1\r\nx\r\n")).contains(CARRIER);
    }

    @Test
    void aReadOfSeveralMessagesAsks() throws Exception {
        assertThat(whereTheWokenThreadRan(true, "MSG before 1 1\r\nx\r\nMSG woke 1 1\r\nx\r\n")).contains(CARRIER);
    }

    /**
     * Sends {@code first} in one write to a reader that has not read yet; when it handles the message on
     * {@code woke} it sends more bytes, waits until they are in the reader's socket, and wakes a virtual thread.
     */
    private static String whereTheWokenThreadRan(boolean plainSocket, String first) throws Exception {
        assertThat(ReaderAsCarrier.available()).as(ReaderAsCarrier.unavailable()).isTrue();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            OutputStream toReader = client.getOutputStream();
            toReader.write(first.getBytes(StandardCharsets.US_ASCII));
            toReader.flush();
            waitUntilReadable(accepted, first.length());
            CompletableFuture<String> where = new CompletableFuture<>();
            Thread.Builder.OfVirtual threads = ReaderAsCarrier.builder("a test");
            CoreReader.Events events = new Handled() {
                @Override
                public void message(int sid, NatsMessage message) {
                    if (message.getSubject().equals("woke")) {
                        try {
                            toReader.write("MSG later 1 1\r\ny\r\n".getBytes(StandardCharsets.US_ASCII));
                            toReader.flush();
                            waitUntilReadable(accepted, 1);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        threads.start(() -> where.complete(Thread.currentThread().toString()));
                    }
                }
            };
            Thread reader = Thread.ofPlatform().name("quiet-read-test-reader").start(() -> {
                ReaderAsCarrier.becomeReader();
                try {
                    new CoreReader(accepted.getInputStream(), plainSocket, events).run();
                } catch (IOException e) {
                    where.completeExceptionally(e);
                } finally {
                    ReaderAsCarrier.leave();
                }
            });
            String ran = where.get(10, TimeUnit.SECONDS);
            client.shutdownOutput(); // the reader reads to the end and stops
            assertThat(reader.join(Duration.ofSeconds(10))).isTrue();
            return ran;
        }
    }

    private static void waitUntilReadable(Socket socket, int bytes) throws IOException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (socket.getInputStream().available() < bytes) {
            assertThat(System.nanoTime() - until).as("bytes sent on loopback arrive").isNegative();
            Thread.onSpinWait();
        }
    }

    /** The events a test does not look at. */
    private abstract static class Handled implements CoreReader.Events {
        @Override
        public void ping() {
        }

        @Override
        public void pong() {
        }

        @Override
        public void info(String json) {
        }

        @Override
        public void error(String text) {
        }
    }
}
