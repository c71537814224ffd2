package io.natrix;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One thread for every call's deadline: each fires at its time, in order, and a cancelled one never does. */
class CallTimeoutsTest {

    static long inMillis(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void deadlinesFireInTheirOrderAndCancelledOnesNever() throws Exception {
        try (CallTimeouts timeouts = new CallTimeouts("test")) {
            List<String> fired = new CopyOnWriteArrayList<>();
            CountDownLatch three = new CountDownLatch(3);
            timeouts.at(inMillis(300), () -> { fired.add("300"); three.countDown(); });
            timeouts.at(inMillis(100), () -> { fired.add("100"); three.countDown(); });
            CallTimeouts.Timeout cancelled = timeouts.at(inMillis(150), () -> fired.add("cancelled"));
            timeouts.at(inMillis(200), () -> { fired.add("200"); three.countDown(); });
            cancelled.cancel();
            assertThat(three.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(fired).containsExactly("100", "200", "300");
        }
    }

    @Test
    void anEarlierDeadlineWakesTheThreadThatSleepsUntilALaterOne() throws Exception {
        try (CallTimeouts timeouts = new CallTimeouts("test")) {
            timeouts.at(inMillis(60_000), () -> { });
            Thread.sleep(50); // the thread now sleeps until a minute from now
            CountDownLatch soon = new CountDownLatch(1);
            long started = System.nanoTime();
            timeouts.at(inMillis(50), soon::countDown);
            assertThat(soon.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2_000);
        }
    }
}
