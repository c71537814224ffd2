package io.natrix;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A non-blocking handler's word: three runs over the limit within the window break it, and the handler leaves the
 * reader for its cool-off, the same each time.
 * The runs' start times are given (the rule reads no clock of its own for them); the cool-offs are real time.
 */
class ReaderThreadWordTest {

    private static final long SLOW = ListenerOptions.NON_BLOCKING_LIMIT.toNanos() + 1;
    private static final long WINDOW = ListenerOptions.NON_BLOCKING_WINDOW.toNanos();
    private static final Duration FIRST = Duration.ofMillis(150);

    @Test
    void threeSlowRunsWithinTheWindowMoveTheHandlerForACoolOffAndItComesBack() throws Exception {
        ReaderThreadWord word = new ReaderThreadWord(FIRST);
        long t = 1_000;
        assertThat(word.broken(t, SLOW)).isFalse();
        assertThat(word.broken(t + 1, ListenerOptions.NON_BLOCKING_LIMIT.toNanos())).as("at the limit: kept").isFalse();
        assertThat(word.broken(t + 2, SLOW)).isFalse();
        assertThat(word.onReader()).isTrue();
        assertThat(word.broken(t + 3, SLOW)).isTrue();
        assertThat(word.onReader()).as("cooling off").isFalse();
        assertThat(word.broke("listener on x", "events", SLOW, "on its virtual thread"))
                .isEqualTo("listener on x is declared non-blocking but 3 events took it over 10 ms on the connection's"
                        + " reader thread (the last 10 ms); it runs on its virtual thread for the next 150 ms");

        Thread.sleep(FIRST.multipliedBy(2));
        assertThat(word.onReader()).as("its cool-off over").isTrue();
    }

    @Test
    void slowRunsFurtherApartThanTheWindowDoNotAddUp() {
        ReaderThreadWord word = new ReaderThreadWord(FIRST);
        for (int i = 0; i < 10; i++) {
            assertThat(word.broken(i * (WINDOW / 2 + 1), SLOW)).as("slow run %d", i).isFalse();
        }
        assertThat(word.onReader()).isTrue();
    }

    @Test
    void brokenAgainItStaysOffTheSameWhileEachTime() {
        ReaderThreadWord word = new ReaderThreadWord(FIRST);
        long t = 0;
        assertThat(breakAt(word, t)).endsWith("for the next 150 ms");
        t += Duration.ofSeconds(1).toNanos();
        assertThat(breakAt(word, t)).endsWith("for the next 150 ms");
        t += CoolOff.LONGEST.plusSeconds(1).toNanos();
        assertThat(breakAt(word, t)).endsWith("for the next 150 ms");
    }

    private static String breakAt(ReaderThreadWord word, long start) {
        assertThat(word.broken(start, SLOW)).isFalse();
        assertThat(word.broken(start + 1, SLOW)).isFalse();
        assertThat(word.broken(start + 2, SLOW)).isTrue();
        return word.broke("endpoint e", "requests", SLOW, "on virtual threads");
    }
}
