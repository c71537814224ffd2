package io.natrix;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A mailbox's one thread takes what one thread hands over, in order, through bursts, pauses and failures. */
class MailboxTest {

    private static long inSeconds(int seconds) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }

    @Test
    void takesEveryItemInOrderThroughBurstsAndPauses() throws Exception {
        List<Integer> taken = new CopyOnWriteArrayList<>();
        Mailbox<Integer> mailbox = new Mailbox<>("test", taken::add);
        try {
            for (int burst = 0; burst < 20; burst++) {
                for (int i = 0; i < 1_000; i++) {
                    mailbox.put(burst * 1_000 + i);
                }
                if (burst % 4 == 0) {
                    Thread.sleep(5); // the mailbox empties and parks; the next burst must wake it
                }
            }
            assertThat(mailbox.awaitEmpty(inSeconds(10))).isTrue();
            assertThat(taken).containsExactlyElementsOf(IntStream.range(0, 20_000).boxed().toList());
            assertThat(mailbox.waiting()).isZero();
        } finally {
            mailbox.close();
        }
    }

    @Test
    void anItemThatFailsOrInterruptsDoesNotStopTheNext() throws Exception {
        List<String> taken = new CopyOnWriteArrayList<>();
        Mailbox<String> mailbox = new Mailbox<>("test", item -> {
            taken.add(Thread.currentThread().isInterrupted() ? item + " (still interrupted)" : item);
            switch (item) {
                case "fails" -> throw new IllegalStateException("the handler failed");
                case "interrupts" -> Thread.currentThread().interrupt();
                default -> { }
            }
        });
        try {
            mailbox.put("fails");
            mailbox.put("after the failure");
            mailbox.put("interrupts");
            assertThat(mailbox.awaitEmpty(inSeconds(10))).isTrue();
            Thread.sleep(20); // parked again (an interrupt left set would keep it from parking)
            mailbox.put("after the interrupt");
            assertThat(mailbox.awaitEmpty(inSeconds(10))).isTrue();
            assertThat(taken).containsExactly("fails", "after the failure", "interrupts", "after the interrupt");
        } finally {
            mailbox.close();
        }
    }

    @Test
    void countsTheItemBeingTakenUntilItIsDoneAndDropsWhatWaitsWhenClosed() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> taken = new CopyOnWriteArrayList<>();
        Mailbox<String> mailbox = new Mailbox<>("test", item -> {
            taken.add(item);
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(mailbox.put("first")).isZero();
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(mailbox.put("second")).isEqualTo(1);
        assertThat(mailbox.waiting()).isEqualTo(2);
        assertThat(mailbox.awaitEmpty(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50))).isFalse();

        mailbox.close();
        release.countDown();
        assertThat(mailbox.awaitEmpty(inSeconds(10))).isTrue();
        assertThat(taken).containsExactly("first");
    }
}
