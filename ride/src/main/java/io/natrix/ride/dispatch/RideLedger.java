package io.natrix.ride.dispatch;

import io.natrix.JetStreamDefaults;

import io.natrix.ride.HomeRegion;
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
import java.util.LinkedHashMap;
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
 * <p>With regions, a stream per region ({@code RIDES_north}, placed in its cluster), each ride in the one of the
 * dispatch instance that took its request ({@link HomeRegion}: its id says which; normally the rider's own region's,
 * another's while its own has no instance), on {@code ms.rides.<region>.<rideId>}. Every instance folds every
 * region's stream, so whichever region's instance is asked about a ride (a rider served by the other region's
 * dispatch while its own had none, a driver across the border) knows it. A region that is lost stops only its own
 * feed: its rides are not found until it returns, and the other regions' go on.
 *
 * <p>A live feed is an ordered consumer, which lives on one server. If that server dies the feed can stall
 * without an error (seen in {@code ./natrix chaos}), and the instance would serve an ever older view. A
 * watchdog compares each stream's last sequence with what was folded once a second and, after 2 s without
 * progress while events are waiting, subscribes again from the first event not yet folded.
 */
final class RideLedger implements AutoCloseable {

    static final String STREAM = RideStorage.RIDES;
    static final String SUBJECT = DispatchApi.EVENTS;

    /**
     * A ride, the sequence of its last event in its stream, and that event as a step ({@link #step}): what an
     * appender whose acknowledgement was lost looks for to learn that its append was stored.
     */
    record Entry(Ride ride, long sequence, String lastStep) {
    }

    /** One step of a ride: the event, and the sequence of the event it follows (0: the ride's first). */
    static String step(RideEvent event, long after) {
        return event.rideId() + "/" + after + "/" + event.type() + "/" + event.driverId();
    }

    /** Where a ride's events are: {@code ms.rides.<rideId>}, or with regions {@code ms.rides.<region>.<rideId>}. */
    static String subjectOf(String rideId) {
        return SUBJECT + "." + HomeRegion.of(rideId).map(region -> region + ".").orElse("") + rideId;
    }

    /** One stream of rides, how far this instance has folded it, and its live subscription. */
    private final class Feed {
        final String stream;
        final String subjects;
        volatile long foldedUpTo;
        volatile JetStreamSubscription subscription;
        long behindSince; // when the watchdog first saw it behind the stream's last event (0: it was not)
        long behindAt;    // that last event

        Feed(String stream, String subjects) {
            this.stream = stream;
            this.subjects = subjects;
        }

        long lastSequence() throws IOException, JetStreamApiException {
            return connection.jetStreamManagement(JetStreamDefaults.jetStream()).getStreamInfo(stream).getStreamState().getLastSequence();
        }

        JetStreamSubscription subscribeFrom(long sequence) throws IOException, JetStreamApiException {
            return connection.jetStream(JetStreamDefaults.jetStream()).subscribe(subjects, dispatcher, message -> fold(this, message), false,
                    PushSubscribeOptions.builder().stream(stream).ordered(true)
                            .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.ByStartSequence)
                                    .startSequence(sequence).build()).build());
        }
    }

    private final Connection connection;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Entry> rides = new ConcurrentHashMap<>();
    /** Each rider's ride that has not finished yet: a rider has at most one. */
    private final Map<String, String> activeByRider = new ConcurrentHashMap<>();
    /** Each region's feed, by its name; without regions, the one feed under "". */
    private final Map<String, Feed> feeds = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition folded = lock.newCondition();
    private static final System.Logger LOG = System.getLogger(RideLedger.class.getName());
    private static final Duration STALLED_AFTER = Duration.ofSeconds(2);

    private Dispatcher dispatcher;
    private Thread watchdog;

    private RideLedger(Connection connection) {
        this.connection = connection;
    }

    /** Opens the ledger (its stream provisioned) and returns once every event so far is folded. */
    static RideLedger open(Connection connection) throws IOException, JetStreamApiException, InterruptedException {
        return open(connection, List.of());
    }

    /**
     * Opens the ledger of {@code regions}' streams (none: the one stream) and returns once every event so far is
     * folded: an instance starts knowing every ride.
     */
    static RideLedger open(Connection connection, List<String> regions) throws IOException, JetStreamApiException, InterruptedException {
        RideLedger ledger = new RideLedger(connection);
        if (regions.isEmpty()) {
            ledger.feeds.put("", ledger.new Feed(STREAM, SUBJECT + ".>"));
        }
        for (String region : regions) {
            ledger.feeds.put(region, ledger.new Feed(RideStorage.ofRegion(STREAM, region), SUBJECT + "." + region + ".>"));
        }
        ledger.dispatcher = connection.createDispatcher();
        Map<Feed, Long> last = new LinkedHashMap<>();
        for (Feed feed : ledger.feeds.values()) {
            RideStorage.require(connection, feed.stream);
            last.put(feed, feed.lastSequence());
            feed.subscription = feed.subscribeFrom(1);
        }
        for (Map.Entry<Feed, Long> feed : last.entrySet()) {
            ledger.awaitFolded(feed.getKey(), feed.getValue(), Duration.ofSeconds(30));
        }
        ledger.watchdog = Thread.ofVirtual().name("ride-ledger-watchdog").start(ledger::watch);
        return ledger;
    }

    private void watch() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
            for (Feed feed : feeds.values()) {
                try {
                    watch(feed);
                } catch (Exception e) {
                    // its region's NATS is unavailable right now: look again in a second
                }
            }
        }
    }

    private void watch(Feed feed) throws IOException, JetStreamApiException {
        long last = feed.lastSequence();
        if (feed.foldedUpTo >= feed.behindAt) {
            feed.behindSince = 0; // it caught up with what it was behind on
        }
        if (last > feed.foldedUpTo && feed.behindSince == 0) {
            feed.behindSince = System.nanoTime();
            feed.behindAt = last;
        } else if (feed.behindSince != 0 && System.nanoTime() - feed.behindSince > STALLED_AFTER.toNanos()) {
            long from = feed.foldedUpTo + 1;
            LOG.log(System.Logger.Level.WARNING, "the ride ledger''s feed of {0} stalled at event {1} of {2}; subscribing again from {3}",
                    feed.stream, feed.foldedUpTo, last, from);
            JetStreamSubscription stalled = feed.subscription;
            feed.subscription = feed.subscribeFrom(from);
            feed.behindSince = 0;
            try {
                stalled.unsubscribe();
            } catch (RuntimeException alreadyGone) {
                // its server is gone with it
            }
        }
    }

    private void fold(Feed feed, Message message) {
        RideEvent event;
        try {
            event = json.readValue(message.getData(), RideEvent.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable ride event on " + message.getSubject(), e);
        }
        long sequence = message.metaData().streamSequence();
        if (sequence <= feed.foldedUpTo) {
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
            feed.foldedUpTo = Math.max(feed.foldedUpTo, sequence);
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
        Feed feed = feedOf(rideId);
        if (feed == null) {
            return Optional.empty(); // an id of no region there is
        }
        catchUp(feed);
        return entry(rideId);
    }

    /** The feed of the ride's stream; null for an id at home in no region of this ledger. */
    private Feed feedOf(String rideId) {
        return feeds.size() == 1 && feeds.containsKey("") ? feeds.get("") : HomeRegion.of(rideId).map(feeds::get).orElse(null);
    }

    /** Returns once every event stored so far in the ride's stream is folded (up to 3 s; then with what is known). */
    void catchUp(String rideId) throws InterruptedException {
        Feed feed = feedOf(rideId);
        if (feed != null) {
            catchUp(feed);
        }
    }

    private void catchUp(Feed feed) throws InterruptedException {
        try {
            awaitFolded(feed, feed.lastSequence(), Duration.ofSeconds(3));
        } catch (IOException | JetStreamApiException | IllegalStateException notNow) {
            // answer with what is known
        }
    }

    /**
     * The rider's ride that has not finished, as the stream has it now: a ride seen active is checked again
     * after folding every event stored so far in its stream (it may have just finished on another instance).
     */
    Optional<Ride> activeRideOf(String riderId) throws InterruptedException {
        String active = activeByRider.get(riderId);
        if (active == null) {
            return Optional.empty();
        }
        catchUp(active);
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
            ack = WhileElecting.retry(() -> connection.jetStream(JetStreamDefaults.jetStream()).publish(subjectOf(event.rideId()),
                    json.writeValueAsBytes(event), PublishOptions.builder().expectedLastSubjectSequence(expectedSequence).build()));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NatsJetStreamConstants.JS_WRONG_LAST_SEQUENCE) {
                return storedEarlier(event, expectedSequence);
            }
            throw new IOException("the ride ledger refused an event: " + e.getMessage(), e);
        }
        awaitFolded(feedOf(event.rideId()), ack.getSeqno(), Duration.ofSeconds(10)); // read your own write
        return entry(event.rideId()).map(Entry::ride);
    }

    /** The ride, when its last event is {@code event} after {@code expectedSequence}; empty when it is another. */
    private Optional<Ride> storedEarlier(RideEvent event, long expectedSequence) throws IOException, InterruptedException {
        try {
            Feed feed = feedOf(event.rideId());
            awaitFolded(feed, WhileElecting.retry(feed::lastSequence), Duration.ofSeconds(10));
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

    private void awaitFolded(Feed feed, long sequence, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (feed.foldedUpTo < sequence) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("the ride ledger did not catch up to event " + sequence + " of " + feed.stream
                            + " within " + timeout);
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
