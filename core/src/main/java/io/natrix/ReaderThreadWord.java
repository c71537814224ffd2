package io.natrix;

import java.time.Duration;

/**
 * A non-blocking handler's word, kept on the connection's reader thread: it breaks it when
 * {@link ListenerOptions#NON_BLOCKING_STRIKES} runs take longer than {@link ListenerOptions#NON_BLOCKING_LIMIT}
 * within {@link ListenerOptions#NON_BLOCKING_WINDOW}, and is then moved off that thread for a {@link CoolOff} of
 * {@link #COOL_OFF}. Wall time, not the reader's CPU ({@link ReaderShare}'s measure): a non-blocking handler that
 * blocks holds the reader without computing. For a while, not for good: a collection or a core taken away in the
 * middle of three runs is no broken word (geo's index of positions was moved for good so in benchmark runs); a
 * while as long as the longest cool-off, because a machine busy enough to break the word once breaks it again
 * (a first cool-off of 10 s had geo's handlers moved 23 times in one fleet run, on and off the reader). One rule
 * for non-blocking listeners and endpoints. Only the reader thread judges runs.
 */
final class ReaderThreadWord {

    private static final long LIMIT_NANOS = ListenerOptions.NON_BLOCKING_LIMIT.toNanos();
    private static final long WINDOW_NANOS = ListenerOptions.NON_BLOCKING_WINDOW.toNanos();
    /** How long a handler that broke its word stays off the reader, each time. */
    static final Duration COOL_OFF = CoolOff.LONGEST;

    private final CoolOff coolOff;
    private int strikes;
    private long firstStrike;
    private String coolingFor;

    ReaderThreadWord() {
        this(COOL_OFF);
    }

    /** With a cool-off of its own (tests). */
    ReaderThreadWord(Duration coolOff) {
        this.coolOff = new CoolOff(coolOff, coolOff);
    }

    /** Whether the handler runs on the reader now: yes unless it broke its word and is still cooling off. */
    boolean onReader() {
        return coolOff.onReader();
    }

    /**
     * Whether the run that started at {@code started} and took {@code took} nanoseconds broke the word; if so, the
     * handler is off the reader for its cool-off from now on.
     */
    boolean broken(long started, long took) {
        if (took <= LIMIT_NANOS) {
            return false;
        }
        if (strikes == 0 || started - firstStrike > WINDOW_NANOS) {
            strikes = 0;
            firstStrike = started;
        }
        if (++strikes < ListenerOptions.NON_BLOCKING_STRIKES) {
            return false;
        }
        strikes = 0;
        coolingFor = coolOff.start();
        return true;
    }

    /** The warning's words: what {@code handler} did, and {@code where} it runs for its cool-off. */
    String broke(String handler, String runs, long tookNanos, String where) {
        return handler + " is declared non-blocking but " + ListenerOptions.NON_BLOCKING_STRIKES + " " + runs
                + " took it over " + ListenerOptions.NON_BLOCKING_LIMIT.toMillis() + " ms on the connection's reader thread (the last "
                + tookNanos / 1_000_000 + " ms); it runs " + where + " for the next " + coolingFor;
    }
}
