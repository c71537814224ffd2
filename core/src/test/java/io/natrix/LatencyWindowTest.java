package io.natrix;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyWindowTest {

    @Test
    void readsThePercentilesOfTheLastCompleteWindowOnly() throws InterruptedException {
        LatencyWindow window = new LatencyWindow(Duration.ofMillis(30));
        for (int i = 1; i <= 100; i++) {
            window.record(Duration.ofMillis(i).toNanos());
        }
        assertThat(window.percentiles().count()).as("the first window is not complete yet").isZero();

        Thread.sleep(40);
        LatencyWindow.Percentiles first = window.percentiles();
        window.record(Duration.ofSeconds(7).toNanos()); // lands in the next window

        assertThat(first.count()).isEqualTo(100);
        assertThat(first.p50().toMillis()).isBetween(49L, 51L);
        assertThat(first.p99().toMillis()).isBetween(98L, 100L);
        assertThat(window.percentiles()).as("read again within the window: the same").isEqualTo(first);

        Thread.sleep(40);
        LatencyWindow.Percentiles second = window.percentiles();
        assertThat(second.count()).isEqualTo(1);
        assertThat(second.p99().toSeconds()).isEqualTo(7);
    }
}
