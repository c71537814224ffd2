package io.natrix.ride.dispatch;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.natrix.ride.RideStorage;
import io.natrix.ride.dispatch.RideMessages.EventType;
import io.natrix.ride.dispatch.RideMessages.RideEvent;
import io.natrix.ride.dispatch.RideMessages.Status;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ride ledger on a three-server cluster with three replicas: a step sent twice is stored once and the second
 * send succeeds (a retry after a lost acknowledgement), while a different step after the same event is refused
 * (two instances acting on one ride at once).
 */
class RideLedgerTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.cluster(3).withJetStream();

    static Connection connection;
    static RideLedger ledger;

    @BeforeAll
    static void open() throws Exception {
        connection = Nats.connect(nats.options().build());
        RideStorage.provision(connection, 3);
        ledger = RideLedger.open(connection);
    }

    @AfterAll
    static void close() throws Exception {
        ledger.close();
        connection.close();
    }

    static RideEvent event(EventType type, String rideId, String driverId) {
        return new RideEvent(type, rideId, "r1", driverId, 32.08, 34.78, 60, System.currentTimeMillis());
    }

    static long eventsOf(String rideId) throws Exception {
        return connection.jetStreamManagement().getStreamInfo(RideLedger.STREAM,
                io.nats.client.api.StreamInfoOptions.filterSubjects(RideLedger.SUBJECT + "." + rideId))
                .getStreamState().getSubjectCount() == 0 ? 0 : connection.jetStreamManagement()
                .getStreamInfo(RideLedger.STREAM, io.nats.client.api.StreamInfoOptions.filterSubjects(RideLedger.SUBJECT + "." + rideId))
                .getStreamState().getSubjects().getFirst().getCount();
    }

    @Test
    void theSameStepSentTwiceIsStoredOnceAndTheSecondSendSucceeds() throws Exception {
        String rideId = UUID.randomUUID().toString();
        assertThat(ledger.append(event(EventType.REQUESTED, rideId, null), 0)).hasValueSatisfying(ride ->
                assertThat(ride.status()).isEqualTo(Status.REQUESTED));
        long requested = ledger.entry(rideId).orElseThrow().sequence();

        // as a retry after a lost acknowledgement sends it: the same step, after the same event
        assertThat(ledger.append(event(EventType.REQUESTED, rideId, null), 0)).hasValueSatisfying(ride ->
                assertThat(ride.status()).isEqualTo(Status.REQUESTED));
        assertThat(ledger.append(event(EventType.OFFERED, rideId, "d1"), requested)).isPresent();
        assertThat(ledger.append(event(EventType.OFFERED, rideId, "d1"), requested)).hasValueSatisfying(ride ->
                assertThat(ride.driverId()).isEqualTo("d1"));
        assertThat(eventsOf(rideId)).as("events stored").isEqualTo(2);
    }

    @Test
    void aDifferentStepAfterTheSameEventIsRefused() throws Exception {
        String rideId = UUID.randomUUID().toString();
        ledger.append(event(EventType.REQUESTED, rideId, null), 0).orElseThrow();
        long requested = ledger.entry(rideId).orElseThrow().sequence();
        assertThat(ledger.append(event(EventType.OFFERED, rideId, "d1"), requested)).isPresent();
        assertThat(ledger.append(event(EventType.OFFERED, rideId, "d2"), requested)).as("another driver, same moment").isEmpty();
        assertThat(ledger.append(event(EventType.CANCELLED, rideId, null), requested)).as("a cancel that did not see the offer").isEmpty();
        assertThat(eventsOf(rideId)).isEqualTo(2);
        assertThat(ledger.entry(rideId).orElseThrow().ride().driverId()).isEqualTo("d1");
    }
}
