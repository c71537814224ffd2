package io.natrix.gateway;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A slow client's mailbox never grows: state keeps the latest, a queue overruns, a stop wakes the writer. */
class MailboxTest {

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aLatestOnlyMailboxKeepsOnlyTheNewestMessage() throws Exception {
        Mailbox state = Mailbox.latestOnly();
        for (int i = 0; i < 1000; i++) {
            state.offer(text("position " + i));
        }
        assertThat(state.take(Duration.ZERO)).isInstanceOfSatisfying(Mailbox.Message.class,
                m -> assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("position 999"));
        assertThat(state.take(Duration.ofMillis(10))).isInstanceOf(Mailbox.Idle.class);
    }

    @Test
    void aQueueKeepsOrderUpToItsCapacityThenReportsTheOverrun() throws Exception {
        Mailbox queue = Mailbox.queue(3);
        queue.offer(text("a"));
        queue.offer(text("b"));
        assertThat(queue.take(Duration.ZERO)).isInstanceOfSatisfying(Mailbox.Message.class,
                m -> assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("a"));
        for (int i = 0; i < 10; i++) {
            queue.offer(text("more"));
        }
        assertThat(queue.take(Duration.ZERO)).isEqualTo(new Mailbox.Overrun(3));
    }

    @Test
    void closingWakesAWaitingWriterAtOnce() throws Exception {
        Mailbox mailbox = Mailbox.queue(3);
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            mailbox.close();
        });
        long started = System.nanoTime();
        assertThat(mailbox.take(Duration.ofSeconds(30))).isInstanceOf(Mailbox.Closing.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
}
