package io.natrix.gateway;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.natrix.RequestContext;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pollers of one shared poll route ({@link StreamRoute#sharedAs}): one per distinct request, alive while a
 * stream follows it. A poller asks once per interval and offers the answer to every member's mailbox (latest
 * only, so a slow client skips to the newest answer); a stream that joins gets the last answer at once when it
 * is less than an interval old.
 *
 * <p>Shared between gateways ({@link StreamRoute#sharedBetweenGateways}), a poller also listens on its request's
 * subject ({@code prefix.<hash>}): an answer another gateway published there goes to its members as its own
 * would, and it asks the service itself only when no other answer came within the interval and a quarter,
 * publishing what it got there, unless that was an error: a gateway's failure stays its own. The gateway that asked keeps asking on its own schedule and the others keep
 * listening; when it stops, the first of the others whose time comes asks.
 */
final class SharedPolls {

    /** Sharing between gateways: their connection, the dispatcher subscriptions share, the subjects' prefix. */
    record Between(Connection nats, SharedSubscriptions subscriptions, String prefix) {
    }

    /** The header that says which gateway's poller published an answer (its own are not offered twice). */
    static final String POLLER = "Natrix-Poller";

    private final PollAnswers answers;
    private final long intervalNanos;
    private final Optional<Between> between;
    private final String self = java.util.UUID.randomUUID().toString();
    private final Headers fromSelf = new Headers(new Headers().put(POLLER, self), true); // read-only: on every answer it shares
    private final Object lock = new Object(); // joins, leaves and a poller's end agree under it
    private final Map<String, Poller> pollers = new HashMap<>();

    SharedPolls(PollAnswers answers, java.time.Duration interval, Optional<Between> between) {
        this.answers = answers;
        this.intervalNanos = interval.toNanos();
        this.between = between;
    }

    /** The subject on which gateways share the answers to the request {@code key}. */
    static String sharedSubject(String prefix, String key) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return prefix + "." + java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
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
        volatile long heardNanos = Long.MIN_VALUE; // when another gateway's answer last came; MIN_VALUE: never
        final Optional<String> sharedOn; // between gateways: its request's subject

        Poller(String key, String subject, byte[] request) {
            this.key = key;
            this.sharedOn = between.map(shared -> sharedSubject(shared.prefix(), key));
            this.subject = subject;
            this.request = request;
        }

        @Override
        public void run() {
            // asked on nobody's behalf: a new request id per poll, no actor
            RequestContext perPoll = RequestContext.of(Map.of());
            Optional<Subscription> listening = Optional.empty();
            try {
                listening = between.map(shared -> shared.subscriptions().subscribe(sharedOn.orElseThrow(), this::heard));
                long nextAsk = System.nanoTime(); // a new poller asks at once: its first stream is waiting
                while (true) {
                    synchronized (lock) {
                        if (members.isEmpty()) {
                            pollers.remove(key);
                            return;
                        }
                    }
                    long now = System.nanoTime();
                    long heard = heardNanos;
                    long due = heard == Long.MIN_VALUE ? nextAsk : Math.max(nextAsk, heard + intervalNanos + intervalNanos / 4);
                    if (now < due) {
                        long wait = Math.min(due - now, intervalNanos);
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        continue; // another gateway's answer may have come meanwhile
                    }
                    PollAnswers.Answer answer = answers.poll(perPoll, subject, request);
                    deliver(answer.line(), System.nanoTime());
                    if (!answer.failed()) {
                        // an error is this gateway's own: shared, it would reach the others' streams and keep them
                        // from asking themselves (a region just back, its services not yet reconnected, silenced
                        // the region that had stayed up: ./natrix chaos --regions 2)
                        between.ifPresent(shared -> share(shared, answer.line()));
                    }
                    nextAsk = now + intervalNanos;
                }
            } catch (InterruptedException | IllegalStateException stopping) {
                // interrupted by close(), or "Dispatcher is closed": the gateway stopped as this poller's stream
                // joined; its streams end with it
                synchronized (lock) {
                    pollers.remove(key);
                }
            } finally {
                listening.ifPresent(subscription -> between.orElseThrow().subscriptions().unsubscribe(subscription));
            }
        }

        /** Another gateway's answer to this request: offered as this poller's own would be. Must not block. */
        private void heard(Message message) {
            if (message.getHeaders() != null && self.equals(message.getHeaders().getFirst(POLLER))) {
                return; // this gateway's own, offered when it was asked
            }
            long now = System.nanoTime();
            heardNanos = now;
            deliver(message.getData(), now);
        }

        /** An answer, this poller's own or another gateway's: the last one, and every member's. */
        private void deliver(byte[] line, long atNanos) {
            last = new Last(line, atNanos);
            members.forEach(mailbox -> mailbox.offer(line));
        }

        private void share(Between shared, byte[] line) {
            try {
                shared.nats().publish(sharedOn.orElseThrow(), fromSelf, line);
            } catch (IllegalStateException closed) {
                // the connection is closing with the gateway: the others' pollers take over
            }
        }
    }
}
