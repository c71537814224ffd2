package io.natrix.gateway;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

    static String taken(Mailbox mailbox) throws InterruptedException {
        return mailbox.take(Duration.ZERO) instanceof Mailbox.Message m ? new String(m.payload(), StandardCharsets.UTF_8) : "nothing";
    }

    @Test
    void aLatestOnlyMailboxThatAlsoDeliversKeepsEveryDeliveredMessageBeforeTheNewestOffered() throws Exception {
        Mailbox stream = Mailbox.latestOnlyAnd(2);
        stream.offer(text("answer 1"));
        assertThat(stream.deliver(text("ride REQUESTED"))).isTrue();
        stream.offer(text("answer 2"));
        assertThat(stream.deliver(text("ride OFFERED"))).isTrue();
        assertThat(taken(stream)).isEqualTo("ride REQUESTED");
        assertThat(taken(stream)).isEqualTo("ride OFFERED");
        assertThat(taken(stream)).as("the answers conflated").isEqualTo("answer 2");
        assertThat(stream.take(Duration.ofMillis(10))).isInstanceOf(Mailbox.Idle.class);

        stream.deliver(text("a"));
        stream.deliver(text("b"));
        assertThat(stream.deliver(text("c"))).as("a third delivered message waiting overruns it").isFalse();
        assertThat(stream.offer(text("answer 3"))).as("answers are never what overruns it").isTrue();
        assertThat(stream.take(Duration.ZERO)).isInstanceOfSatisfying(Mailbox.Overrun.class, o -> assertThat(o.capacity()).isEqualTo(2));
        assertThat(Mailbox.latestOnly().deliver(text("x"))).as("a plain latest-only mailbox delivers nothing").isFalse();
    }

    @Test
    void aQueueKeepsOrderUpToItsCapacityThenReportsTheOverrun() throws Exception {
        Mailbox queue = Mailbox.queue(3);
        assertThat(queue.offer(text("a"))).isTrue();
        assertThat(queue.offer(text("b"))).isTrue();
        assertThat(queue.take(Duration.ZERO)).isInstanceOfSatisfying(Mailbox.Message.class,
                m -> assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("a"));
        assertThat(queue.offer(text("c"))).isTrue();
        assertThat(queue.offer(text("d"))).isTrue();
        assertThat(queue.offer(text("more"))).as("a fourth waiting message overruns it").isFalse();
        assertThat(queue.offer(text("more"))).as("and it stays overrun").isFalse();
        assertThat(queue.take(Duration.ZERO)).isEqualTo(new Mailbox.Overrun(3));
    }

    @Test
    void closingWakesAWaitingWriterAtOnce() throws Exception {
        Mailbox mailbox = Mailbox.queue(3);
        CompletableFuture<Mailbox.Next> taken = new CompletableFuture<>();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                taken.complete(mailbox.take(Duration.ofSeconds(30)));
            } catch (InterruptedException e) {
                taken.completeExceptionally(e);
            }
        });
        // closed only once the writer waits in take(), so the wake-up is what is tested
        await().until(() -> writer.getState() == Thread.State.TIMED_WAITING);
        mailbox.close();
        assertThat(taken.get(5, TimeUnit.SECONDS)).as("woken long before its 30 s wait").isInstanceOf(Mailbox.Closing.class);
    }
}
