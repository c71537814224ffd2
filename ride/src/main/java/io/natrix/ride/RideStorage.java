package io.natrix.ride;

import io.natrix.ride.dispatch.DispatchApi;
import io.natrix.ride.geo.GeoApi;
import io.natrix.ride.geo.GeoRegions;
import io.natrix.JetStreamDefaults;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.Placement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The ride system's JetStream storage in one table: what exists, how large it may grow, and who makes it. An
 * admin provisions it before the services start ({@link #provision}: the demo, {@code chaos}, the benches and
 * tests do); a service only opens what it needs and, when it is missing, fails at start with a message saying
 * so ({@link #require}). On a secured NATS a service could not create it anyway: only the admin user may
 * create, change or delete streams and buckets ({@link RidePermissions}).
 *
 * <p>Every stream and bucket is bounded, in bytes and in message size, so no client can fill a server's disk
 * or memory through a service.
 */
public final class RideStorage {

    /** Every ride's events, one subject per ride (dispatch). */
    public static final String RIDES = "RIDES";
    /** The fleet's positions of the last {@link #FLEET_KEPT} (geo's replay on start). */
    public static final String GEO_FLEET = "GEO_FLEET";

    /**
     * With geo sharded by place ({@link GeoRegions}), each region's positions in a stream of their own, placed in the
     * region's NATS cluster (of the region's name): {@code GEO_FLEET_north}. A region's positions then never cross
     * a gateway to be stored, and a region's geo instances replay from their own cluster.
     */
    public static String fleetOf(GeoRegions.Region region) {
        return ofRegion(GEO_FLEET, region.name());
    }

    /**
     * A stream or bucket of one region when the system runs in regions: {@code RIDES_north}, {@code users_north}.
     * The rides, users and driver claims are each one per region, placed in the region's cluster, every ride, user
     * or claim in the one of its id's {@link HomeRegion}.
     */
    public static String ofRegion(String name, String region) {
        return name + "_" + region;
    }
    /** What each driver last said about taking rides, or dispatch about it being busy (geo's replay on start). */
    public static final String GEO_AVAILABILITY = "GEO_AVAILABILITY";
    /** Riders and drivers (users). */
    public static final String USERS = "users";
    /** Which ride holds which driver (dispatch). */
    public static final String DRIVER_CLAIMS = "driver-claims";

    /**
     * How long {@link #GEO_FLEET} keeps positions: as long as geo counts a silent driver as there (its index's
     * stale time), so a replay of all of it is the fleet a running instance knows.
     */
    public static final Duration FLEET_KEPT = Duration.ofSeconds(30);

    private static final int STREAM_NOT_FOUND = 10059;

    private RideStorage() {
    }

    /** The JetStream streams behind the storage, key-value buckets included ({@code KV_users}). */
    public static List<String> streams() {
        return List.of(RIDES, GEO_FLEET, GEO_AVAILABILITY, "KV_" + USERS, "KV_" + DRIVER_CLAIMS);
    }

    /** How long provisioning waits for each stream or bucket to be made. */
    static final java.time.Duration PROVISION_TIMEOUT = java.time.Duration.ofSeconds(20);

    /**
     * Creates what is missing and brings what exists to the limits above; safe to run again, and by several
     * provisioners at once. {@code replicas} copies of the file-backed storage (3 on a cluster of three: losing
     * a server loses no ride and no user); the fleet is in memory, one copy, since drivers resend every second.
     *
     * @param admin a connection allowed to manage JetStream (the admin user on a secured NATS)
     */
    public static void provision(Connection admin, int replicas) throws IOException, JetStreamApiException {
        provision(admin, replicas, Optional.empty());
    }

    /**
     * As {@link #provision(Connection, int)}; with {@code regions}, the rides' events, the users, the driver claims
     * and the fleet's positions each one per region ({@link #ofRegion}, {@link #fleetOf}), placed in the region's
     * cluster: a region keeps its own rides (those its dispatch took), users (those who signed up there) and
     * drivers' claims, and losing a
     * region's cluster loses no other region's. The drivers' availability changes stay one stream, placed in the
     * first region's cluster: they are broadcast without waiting for the stream, so they are heard while that
     * region is lost, and the stream is only read by a geo instance that starts (stated in docs/scaling.md).
     */
    public static void provision(Connection admin, int replicas, Optional<GeoRegions> regions) throws IOException, JetStreamApiException {
        // creating a replicated stream answers once its copies have elected a leader: seconds, on a supercluster
        // just formed (the services' two-second requests are for reads and writes, not for this)
        io.nats.client.JetStreamOptions provisioning = io.nats.client.JetStreamOptions.builder().requestTimeout(PROVISION_TIMEOUT).build();
        JetStreamManagement streams = admin.jetStreamManagement(provisioning);
        // with regions, what is one for all (the availability) is placed in the first region's cluster; unplaced,
        // JetStream would choose a region of its own (seen: a stream made from one region's client placed in the other)
        Placement home = regions.map(r -> inRegion(r.regions().getFirst())).orElse(null);
        KeyValueManagement buckets = admin.keyValueManagement(io.nats.client.KeyValueOptions.builder().jetStreamOptions(provisioning).build());
        if (regions.isEmpty()) {
            provisionSet(streams, buckets, replicas, Optional.empty());
        }
        for (GeoRegions.Region region : regions.map(GeoRegions::regions).orElse(List.of())) {
            provisionSet(streams, buckets, replicas, Optional.of(region));
        }
        // a driver says it takes rides once, not every second: kept on disk, in copies, for as long as it holds
        put(streams, StreamConfiguration.builder().name(GEO_AVAILABILITY).subjects(GeoApi.AVAILABILITY + ".>")
                .storageType(StorageType.File).replicas(replicas).maxMessagesPerSubject(1).placement(home)
                .maxBytes(64L << 20).maximumMessageSize(1 << 10).build());
    }

    /**
     * The rides, the fleet's positions, the users and the drivers' claims: the system's one set, or {@code region}'s
     * own, named after it ({@link #ofRegion}) and placed in its cluster.
     */
    private static void provisionSet(JetStreamManagement streams, KeyValueManagement buckets, int replicas,
                                     Optional<GeoRegions.Region> region) throws IOException, JetStreamApiException {
        Placement placement = region.map(RideStorage::inRegion).orElse(null);
        String rides = region.map(r -> ofRegion(RIDES, r.name())).orElse(RIDES);
        String rideEvents = DispatchApi.EVENTS + region.map(r -> "." + r.name()).orElse("") + ".>";
        put(streams, rides(rides, rideEvents, replicas).placement(placement).build());
        // every position of the last 30 s, most in gateways' batches (one subject for all): a replay reads it
        // all, in order, the last position of a driver winning; 256 MiB is 30 s of about 80,000 drivers, and past
        // it the oldest go first
        put(streams, fleet(region.map(RideStorage::fleetOf).orElse(GEO_FLEET),
                region.map(GeoRegions::positionsOf).orElse(GeoApi.POSITIONS) + ".>").placement(placement).build());
        put(buckets, users(region.map(r -> ofRegion(USERS, r.name())).orElse(USERS), replicas).placement(placement).build());
        put(buckets, claims(region.map(r -> ofRegion(DRIVER_CLAIMS, r.name())).orElse(DRIVER_CLAIMS), replicas)
                .placement(placement).build());
    }

    private static Placement inRegion(GeoRegions.Region region) {
        return Placement.builder().cluster(region.name()).build();
    }

    private static StreamConfiguration.Builder rides(String name, String subjects, int replicas) {
        // at 1 GiB the oldest events go (a ride's history is a few hundred bytes an event)
        return StreamConfiguration.builder().name(name).subjects(subjects).storageType(StorageType.File).replicas(replicas)
                .maxBytes(1L << 30).maximumMessageSize(64 << 10);
    }

    private static KeyValueConfiguration.Builder users(String name, int replicas) {
        return KeyValueConfiguration.builder().name(name).storageType(StorageType.File).replicas(replicas)
                .maxHistoryPerKey(1).maxBucketSize(512L << 20).maximumValueSize(16 << 10); // a user is ~200 bytes
    }

    private static KeyValueConfiguration.Builder claims(String name, int replicas) {
        return KeyValueConfiguration.builder().name(name).storageType(StorageType.File).replicas(replicas)
                .maxHistoryPerKey(1).maxBucketSize(64L << 20).maximumValueSize(1 << 10); // a ride id per driver
    }

    /**
     * Fails with a message that says what to do when {@code stream} (a stream, or {@code KV_<bucket>}) has not
     * been provisioned; waits out a leader election.
     */
    public static void require(Connection connection, String stream) throws IOException, JetStreamApiException {
        try {
            WhileElecting.retry(() -> connection.jetStreamManagement(JetStreamDefaults.jetStream()).getStreamInfo(stream));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
                throw new IllegalStateException("JetStream stream " + stream + " does not exist: the ride system's storage"
                        + " is provisioned by an admin before the services start (RideStorage.provision; ./natrix demo does it)", e);
            }
            throw e;
        }
    }

    private static StreamConfiguration.Builder fleet(String name, String subjects) {
        return StreamConfiguration.builder().name(name).subjects(subjects)
                .storageType(StorageType.Memory).maxMessagesPerSubject(-1).maxAge(FLEET_KEPT)
                .maxBytes(256L << 20).maximumMessageSize(1 << 20);
    }

    private static void put(JetStreamManagement streams, StreamConfiguration config) throws IOException, JetStreamApiException {
        try {
            streams.getStreamInfo(config.getName());
        } catch (JetStreamApiException missing) {
            if (missing.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw missing;
            }
            try {
                streams.addStream(config);
                return;
            } catch (JetStreamApiException refused) {
                if (!exists(() -> streams.getStreamInfo(config.getName()))) {
                    throw refused; // not another provisioner creating it at the same moment
                }
            }
        }
        streams.updateStream(config);
    }

    private static void put(KeyValueManagement buckets, KeyValueConfiguration config) throws IOException, JetStreamApiException {
        try {
            buckets.getStatus(config.getBucketName());
        } catch (JetStreamApiException missing) {
            if (missing.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw missing;
            }
            try {
                buckets.create(config);
                return;
            } catch (JetStreamApiException refused) {
                if (!exists(() -> buckets.getStatus(config.getBucketName()))) {
                    throw refused;
                }
            }
        }
        buckets.update(config);
    }

    private static boolean exists(WhileElecting.Operation<?> info) throws IOException {
        try {
            info.run();
            return true;
        } catch (JetStreamApiException e) {
            return false;
        }
    }
}
