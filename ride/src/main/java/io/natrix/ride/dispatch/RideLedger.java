package io.natrix.ride.dispatch;

import io.natrix.JetStreamDefaults;

import io.natrix.ride.RideStorage;
import io.natrix.ride.WhileElecting;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.support.NatsJetStreamConstants;
import io.natrix.ride.dispatch.RideMessages.Ride;
import io.natrix.ride.dispatch.RideMessages.RideEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every ride's events in the JetStream stream {@code RIDES}, one subject per ride, and their fold: each
 * dispatch instance reads the whole stream (so a restarted one rebuilds every ride) and keeps reading it live.
 * An append names the ride's last sequence the appender saw, so when two instances act on the same ride at
 * once, only one append is accepted: no ride goes to two drivers.
 *
 * <p>The live feed is an ordered consumer, which lives on one server. If that server dies the feed can stall
 * without an error (seen in {@code ./natrix chaos}), and the instance would serve an ever older view. A
 * watchdog compares the stream's last sequence with what was folded once a second and, after 2 s without
 * progress while events are waiting, subscribes again from the first event not yet folded.
 */
final class RideLedger implements AutoCloseable {

    static final String STREAM = RideStorage.RIDES;
    static final String SUBJECT = DispatchApi.EVENTS;

    /**
     * A ride, the stream sequence of its last event, and that event as a step ({@link #step}): what an
     * appender whose acknowledgement was lost looks for to learn that its append was stored.
     */
    record Entry(Ride ride, long sequence, String lastStep) {
    }

    /** One step of a ride: the event, and the sequence of the event it follows (0: the ride's first). */
    static String step(RideEvent event, long after) {
        return event.rideId() + "/" + after + "/" + event.type() + "/" + event.driverId();
    }

    private final Connection connection;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Entry> rides = new ConcurrentHashMap<>();
    /** Each rider's ride that has not finished yet: a rider has at most one. */
    private final Map<String, String> activeByRider = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition folded = lock.newCondition();
    private volatile long foldedUpTo;
    private static final System.Logger LOG = System.getLogger(RideLedger.class.getName());
    private static final Duration STALLED_AFTER = Duration.ofSeconds(2);

    private Dispatcher dispatcher;
    private volatile JetStreamSubscription feed;
    private Thread watchdog;

    private RideLedger(Connection connection) {
        this.connection = connection;
    }

    /** Opens the ledger (its stream provisioned) and returns once every event so far is folded. */
    static RideLedger open(Connection connection) throws IOException, JetStreamApiException, InterruptedException {
        RideStorage.require(connection, STREAM);
        RideLedger ledger = new RideLedger(connection);
        long last = connection.jetStreamManagement(JetStreamDefaults.jetStream()).getStreamInfo(STREAM).getStreamState().getLastSequence();
        ledger.dispatcher = connection.createDispatcher();
        ledger.feed = ledger.subscribeFrom(1);
        ledger.awaitFolded(last, Duration.ofSeconds(30));
        ledger.watchdog = Thread.ofVirtual().name("ride-ledger-watchdog").start(ledger::watch);
        return ledger;
    }

    private JetStreamSubscription subscribeFrom(long sequence) throws IOException, JetStreamApiException {
        return connection.jetStream(JetStreamDefaults.jetStream()).subscribe(SUBJECT + ".>", dispatcher, this::fold, false,
                PushSubscribeOptions.builder().stream(STREAM).ordered(true)
                        .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.ByStartSequence)
                                .startSequence(sequence).build()).build());
    }

    private void watch() {
        long behindSince = 0; // when the feed was first seen behind the stream's last event (0: it was not)
        long behindAt = 0;    // that last event
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(1_000);
                long last = connection.jetStreamManagement(JetStreamDefaults.jetStream()).getStreamInfo(STREAM).getStreamState().getLastSequence();
                if (foldedUpTo >= behindAt) {
                    behindSince = 0; // it caught up with what it was behind on
                }
                if (last > foldedUpTo && behindSince == 0) {
                    behindSince = System.nanoTime();
                    behindAt = last;
                } else if (behindSince != 0 && System.nanoTime() - behindSince > STALLED_AFTER.toNanos()) {
                    long from = foldedUpTo + 1;
                    LOG.log(System.Logger.Level.WARNING, "the ride ledger''s feed stalled at event {0} of {1}; subscribing again from {2}",
                            foldedUpTo, last, from);
                    JetStreamSubscription stalled = feed;
                    feed = subscribeFrom(from);
                    behindSince = 0;
                    try {
                        stalled.unsubscribe();
                    } catch (RuntimeException alreadyGone) {
                        // its server is gone with it
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // NATS is unavailable right now: look again in a second
            }
        }
    }

    private void fold(Message message) {
        RideEvent event;
        try {
            event = json.readValue(message.getData(), RideEvent.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable ride event on " + message.getSubject(), e);
        }
        long sequence = message.metaData().streamSequence();
        if (sequence <= foldedUpTo) {
            return; // already folded: a feed subscribed again may repeat what the stalled one delivered
        }
        Entry now = rides.compute(event.rideId(), (id, old) -> new Entry(RideState.apply(old == null ? null : old.ride(), event), sequence,
                step(event, old == null ? 0 : old.sequence())));
        Ride ride = now.ride();
        if (RideState.finished(ride)) {
            activeByRider.remove(ride.riderId(), ride.rideId());
        } else {
            activeByRider.put(ride.riderId(), ride.rideId());
        }
        lock.lock();
        try {
            foldedUpTo = Math.max(foldedUpTo, sequence);
            folded.signalAll();
        } finally {
            lock.unlock();
        }
    }

    Optional<Entry> entry(String rideId) {
        return Optional.ofNullable(rides.get(rideId));
    }

    /**
     * The ride as the stream has it now: when this instance does not know the ride, it first waits (up to 3 s)
     * until it has folded every event stored so far, so a ride another instance just created is found.
     */
    Optional<Entry> currentEntry(String rideId) throws InterruptedException {
        Entry known = rides.get(rideId);
        if (known != null) {
            return Optional.of(known);
        }
        catchUp();
        return entry(rideId);
    }

    /** Returns once every event stored so far is folded (up to 3 s; then with what is known). */
    void catchUp() throws InterruptedException {
        try {
            awaitFolded(connection.jetStreamManagement(JetStreamDefaults.jetStream()).getStreamInfo(STREAM).getStreamState().getLastSequence(),
                    Duration.ofSeconds(3));
        } catch (IOException | JetStreamApiException | IllegalStateException notNow) {
            // answer with what is known
        }
    }

    /**
     * The rider's ride that has not finished, as the stream has it now: a ride seen active is checked again
     * after folding every event stored so far (it may have just finished on another instance).
     */
    Optional<Ride> activeRideOf(String riderId) throws InterruptedException {
        if (!activeByRider.containsKey(riderId)) {
            return Optional.empty();
        }
        catchUp();
        return Optional.ofNullable(activeByRider.get(riderId)).flatMap(this::entry).map(Entry::ride);
    }

    Collection<Entry> entries() {
        return List.copyOf(rides.values());
    }

    /**
     * Appends {@code event} if the ride's last event is still {@code expectedSequence} (0: the ride does not
     * exist yet), and returns the ride as it is then; empty if another instance changed the ride first.
     *
     * <p>Safe to send again: through a server's death the append is retried (a leader election's 503, a timeout
     * whose acknowledgement may have been lost), and an append refused because the ride moved on is looked up:
     * when the ride's last event is this very step, it was this append's earlier attempt that was stored, and
     * the ride is returned as if the acknowledgement had arrived. (JetStream's message-id deduplication does
     * not help here: on a clustered stream, nats-server 2.9 checks the expected sequence first; measured in
     * {@code RideLedgerTest}.)
     */
    Optional<Ride> append(RideEvent event, long expectedSequence) throws IOException, InterruptedException {
        PublishAck ack;
        try {
            ack = WhileElecting.retry(() -> connection.jetStream(JetStreamDefaults.jetStream()).publish(SUBJECT + "." + event.rideId(),
                    json.writeValueAsBytes(event), PublishOptions.builder().expectedLastSubjectSequence(expectedSequence).build()));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NatsJetStreamConstants.JS_WRONG_LAST_SEQUENCE) {
                return storedEarlier(event, expectedSequence);
            }
            throw new IOException("the ride ledger refused an event: " + e.getMessage(), e);
        }
        awaitFolded(ack.getSeqno(), Duration.ofSeconds(10)); // read your own write
        return entry(event.rideId()).map(Entry::ride);
    }

    /** The ride, when its last event is {@code event} after {@code expectedSequence}; empty when it is another. */
    private Optional<Ride> storedEarlier(RideEvent event, long expectedSequence) throws IOException, InterruptedException {
        try {
            awaitFolded(WhileElecting.retry(() -> connection.jetStreamManagement(JetStreamDefaults.jetStream()).getStreamInfo(STREAM))
                    .getStreamState().getLastSequence(), Duration.ofSeconds(10));
        } catch (JetStreamApiException | IllegalStateException notNow) {
            return Optional.empty(); // the caller reads the ride again and decides
        }
        String step = step(event, expectedSequence);
        return entry(event.rideId()).filter(entry -> entry.lastStep().equals(step)).map(Entry::ride);
    }

    /** Waits until the ride has an event after {@code sequence}, or the timeout passes; returns its entry then. */
    Optional<Entry> awaitChange(String rideId, long sequence, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                Entry entry = rides.get(rideId);
                long left = deadline - System.nanoTime();
                if (entry != null && entry.sequence() > sequence || left <= 0) {
                    return Optional.ofNullable(entry);
                }
                folded.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private void awaitFolded(long sequence, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (foldedUpTo < sequence) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("the ride ledger did not catch up to event " + sequence + " within " + timeout);
                }
                folded.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.interrupt();
        }
        if (connection.getStatus() != Connection.Status.CLOSED) {
            connection.closeDispatcher(dispatcher);
        }
    }
}
