package io.natrix;

import java.util.Optional;

/**
 * The counters of one listener of one instance.
 *
 * @param subject   the subject it listens to
 * @param balanced  true if one instance of the service gets each event, false if every instance does
 * @param handled   events handled, successfully or not
 * @param errors    events whose handler threw
 * @param dropped   events NATS dropped because the listener fell behind (slow consumer)
 * @param pending   events received and waiting for the handler
 * @param lastError the last handler failure
 */
public record ListenerStats(String subject, boolean balanced, long handled, long errors, long dropped, long pending,
                            Optional<String> lastError) {
}
