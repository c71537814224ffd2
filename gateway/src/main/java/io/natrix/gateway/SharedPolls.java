package io.natrix.gateway;

import io.natrix.RequestContext;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pollers of one shared poll route ({@link StreamRoute#sharedAs}): one per distinct request, alive while a
 * stream follows it. A poller asks once per interval and offers the answer to every member's mailbox (latest
 * only, so a slow client skips to the newest answer); a stream that joins gets the last answer at once when it
 * is less than an interval old.
 */
final class SharedPolls {

    private final PollAnswers answers;
    private final long intervalNanos;
    private final Object lock = new Object(); // joins, leaves and a poller's end agree under it
    private final Map<String, Poller> pollers = new HashMap<>();

    SharedPolls(PollAnswers answers, java.time.Duration interval) {
        this.answers = answers;
        this.intervalNanos = interval.toNanos();
    }

    /** A stream's place among a poller's members; leaving it is closing it. */
    interface Membership extends AutoCloseable {
        @Override
        void close();
    }

    Membership join(String subject, byte[] request, Mailbox mailbox) {
        String key = subject + ' ' + new String(request, StandardCharsets.UTF_8);
        Poller poller;
        synchronized (lock) {
            poller = pollers.get(key);
            if (poller == null) {
                poller = new Poller(key, subject, request);
                pollers.put(key, poller);
                poller.thread = Thread.ofVirtual().name("shared-poll " + subject).start(poller);
            }
            poller.members.add(mailbox);
        }
        Poller.Last last = poller.last;
        if (last != null && System.nanoTime() - last.atNanos() < intervalNanos) {
            mailbox.offer(last.line());
        }
        Poller joined = poller;
        return () -> joined.members.remove(mailbox);
    }

    /** Stops every poller (the gateway is stopping; its streams are told apart). */
    void close() {
        synchronized (lock) {
            pollers.values().forEach(poller -> poller.thread.interrupt());
        }
    }

    /** Distinct requests being polled now. */
    int pollers() {
        synchronized (lock) {
            return pollers.size();
        }
    }

    private final class Poller implements Runnable {
        record Last(byte[] line, long atNanos) {
        }

        final Set<Mailbox> members = ConcurrentHashMap.newKeySet();
        final String key;
        final String subject;
        final byte[] request;
        volatile Last last;
        volatile Thread thread;

        Poller(String key, String subject, byte[] request) {
            this.key = key;
            this.subject = subject;
            this.request = request;
        }

        @Override
        public void run() {
            // asked on nobody's behalf: a new request id per poll, no actor
            RequestContext perPoll = RequestContext.of(Map.of());
            try {
                while (true) {
                    synchronized (lock) {
                        if (members.isEmpty()) {
                            pollers.remove(key);
                            return;
                        }
                    }
                    long started = System.nanoTime();
                    byte[] line = answers.answer(perPoll, subject, request);
                    last = new Last(line, System.nanoTime());
                    members.forEach(mailbox -> mailbox.offer(line));
                    long left = intervalNanos - (System.nanoTime() - started);
                    if (left > 0) {
                        Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
                    }
                }
            } catch (InterruptedException stopping) {
                synchronized (lock) {
                    pollers.remove(key);
                }
            }
        }
    }
}
