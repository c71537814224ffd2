package io.natrix;

/**
 * A non-blocking handler's word, kept on the connection's reader thread: it breaks it when
 * {@link ListenerOptions#NON_BLOCKING_STRIKES} runs take longer than {@link ListenerOptions#NON_BLOCKING_LIMIT}
 * within {@link ListenerOptions#NON_BLOCKING_WINDOW}, and is then moved off that thread for good. One rule for
 * non-blocking listeners and endpoints. Only the reader thread uses it, so it needs no lock.
 */
final class ReaderThreadWord {

    private static final long LIMIT_NANOS = ListenerOptions.NON_BLOCKING_LIMIT.toNanos();
    private static final long WINDOW_NANOS = ListenerOptions.NON_BLOCKING_WINDOW.toNanos();

    private int strikes;
    private long firstStrike;

    /** Whether the run that started at {@code started} and took {@code took} nanoseconds broke the word. */
    boolean broken(long started, long took) {
        if (took <= LIMIT_NANOS) {
            return false;
        }
        if (strikes == 0 || started - firstStrike > WINDOW_NANOS) {
            strikes = 0;
            firstStrike = started;
        }
        return ++strikes >= ListenerOptions.NON_BLOCKING_STRIKES;
    }

    /** The warning's words: what {@code handler} did, and {@code where} it runs from now on. */
    String broke(String handler, String runs, long tookNanos, String where) {
        return handler + " is declared non-blocking but " + strikes + " " + runs + " took it over "
                + ListenerOptions.NON_BLOCKING_LIMIT.toMillis() + " ms on the connection's reader thread (the last "
                + tookNanos / 1_000_000 + " ms); it runs " + where + " from now on";
    }
}
