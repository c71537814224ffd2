package io.natrix;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyWindowTest {

    @Test
    void readsThePercentilesOfTheLastCompleteWindowOnly() {
        AtomicLong now = new AtomicLong();
        LatencyWindow window = new LatencyWindow(Duration.ofSeconds(5), now::get);
        for (int i = 1; i <= 100; i++) {
            window.record(Duration.ofMillis(i).toNanos());
        }
        assertThat(window.percentiles().count()).as("the first window is not complete yet").isZero();

        now.addAndGet(Duration.ofSeconds(5).toNanos());
        LatencyWindow.Percentiles first = window.percentiles();
        window.record(Duration.ofSeconds(7).toNanos()); // lands in the next window
        now.addAndGet(Duration.ofSeconds(4).toNanos());

        assertThat(first.count()).isEqualTo(100);
        assertThat(first.p50().toMillis()).isBetween(49L, 51L);
        assertThat(first.p99().toMillis()).isBetween(98L, 100L);
        assertThat(window.percentiles()).as("read again within the window: the same").isEqualTo(first);

        now.addAndGet(Duration.ofSeconds(1).toNanos());
        LatencyWindow.Percentiles second = window.percentiles();
        assertThat(second.count()).isEqualTo(1);
        assertThat(second.p99().toSeconds()).isEqualTo(7);
    }
}
