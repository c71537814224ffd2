package io.natrix.ride.dispatch;

import io.natrix.ServiceException;
import io.natrix.ride.HomeBuckets;
import io.natrix.ride.RideStorage;

import io.natrix.ride.WhileElecting;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * Which ride holds which driver, in the key-value bucket {@code driver-claims}: a claim is a {@code create},
 * which fails when the key exists, so two rides can never hold one driver, whichever instances ask. Every
 * operation waits out a leader election of the bucket ({@link WhileElecting}), in this instance's region; with
 * regions, a claim in another region is tried once ({@link HomeBuckets#run}). With regions, a driver's claim is
 * in the bucket of its {@link io.natrix.ride.HomeRegion} ({@code driver-claims_north}): one place per driver, so a
 * driver near a border, whom either region's dispatch may offer a ride, is still held by one ride.
 */
final class DriverClaims {

    static final String BUCKET = RideStorage.DRIVER_CLAIMS;

    private final HomeBuckets buckets;

    private DriverClaims(HomeBuckets buckets) {
        this.buckets = buckets;
    }

    /** Opens the provisioned bucket ({@link RideStorage#provision}). */
    static DriverClaims open(Connection connection) throws IOException, JetStreamApiException {
        return new DriverClaims(HomeBuckets.open(connection, BUCKET, Optional.empty(), Set.of()));
    }

    /** Opens the provisioned buckets of {@code regions}; this instance runs in {@code own}. */
    static DriverClaims open(Connection connection, String own, Set<String> regions) throws IOException, JetStreamApiException {
        return new DriverClaims(HomeBuckets.open(connection, BUCKET, Optional.of(own), regions));
    }

    /** The bucket of the driver's claim; refused for a driver of no region the system has. */
    private KeyValue bucket(String driverId) throws IOException {
        return buckets.bucketFor(driverId).orElseThrow(() -> new ServiceException(404, "no driver " + driverId));
    }

    /**
     * Claims the driver for the ride; false if another ride holds the driver. A claim found already held by
     * this ride is this claim's own earlier attempt (stored, its acknowledgement lost), and counts as made.
     */
    boolean claim(String driverId, String rideId) throws IOException {
        try {
            KeyValue bucket = bucket(driverId);
            buckets.run(driverId, () -> bucket.create(driverId, rideId.getBytes(StandardCharsets.UTF_8)));
            return true;
        } catch (JetStreamApiException taken) {
            return heldBy(driverId).filter(rideId::equals).isPresent();
        }
    }

    /** The ride that holds the driver now, if any. */
    Optional<String> heldBy(String driverId) throws IOException {
        try {
            KeyValue bucket = bucket(driverId);
            KeyValueEntry entry = buckets.run(driverId, () -> bucket.get(driverId));
            return entry == null || entry.getValue() == null ? Optional.empty()
                    : Optional.of(new String(entry.getValue(), StandardCharsets.UTF_8));
        } catch (JetStreamApiException unreadable) {
            throw new IOException("the driver claims could not be read: " + unreadable.getMessage(), unreadable);
        }
    }

    /** Releases the driver if this ride holds it. */
    void release(String driverId, String rideId) throws IOException {
        try {
            KeyValue bucket = bucket(driverId);
            KeyValueEntry entry = buckets.run(driverId, () -> bucket.get(driverId));
            if (entry != null && entry.getValue() != null
                    && new String(entry.getValue(), StandardCharsets.UTF_8).equals(rideId)) {
                buckets.run(driverId, () -> {
                    bucket.delete(driverId, entry.getRevision());
                    return null;
                });
            }
        } catch (JetStreamApiException changed) {
            // released or reclaimed meanwhile: not this ride's any more
        }
    }
}
