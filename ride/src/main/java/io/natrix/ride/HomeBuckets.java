package io.natrix.ride;

import io.natrix.JetStreamDefaults;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A key-value bucket that is one per region when the system runs in regions ({@code users-north}, {@code users-south},
 * see {@link RideStorage#ofRegion}), each key in the bucket of its {@link HomeRegion}; or just one. A region's bucket
 * is opened when first needed, so a region that is lost does not keep a service from starting or from using the
 * others.
 */
public final class HomeBuckets {

    private final Connection connection;
    private final String name;
    private final Optional<String> own;
    private final Set<String> regions;
    private final ConcurrentMap<String, KeyValue> opened = new ConcurrentHashMap<>();

    private HomeBuckets(Connection connection, String name, Optional<String> own, Set<String> regions) {
        this.connection = connection;
        this.name = name;
        this.own = own;
        this.regions = Set.copyOf(regions);
    }

    /**
     * The bucket {@code name}, or with {@code own} (this process's region, of {@code regions}) one per region; fails
     * with what to do when this process's own (or the one) has not been provisioned ({@link RideStorage#require}).
     */
    public static HomeBuckets open(Connection connection, String name, Optional<String> own, Set<String> regions)
            throws IOException, JetStreamApiException {
        if (own.isPresent() && !regions.contains(own.get())) {
            throw new IllegalArgumentException("region " + own.get() + " is not one of " + regions);
        }
        HomeBuckets buckets = new HomeBuckets(connection, name, own, regions);
        RideStorage.require(connection, "KV_" + buckets.bucketOf(own));
        return buckets;
    }

    /** The region new keys are at home in: this process's, when the system runs in regions. */
    public Optional<String> own() {
        return own;
    }

    /** The bucket of this process's region (or the one). */
    public KeyValue ownBucket() throws IOException {
        return opened(bucketOf(own));
    }

    /** The bucket holding {@code id}: its home region's, or the one; empty for an id at home in no region there is. */
    public Optional<KeyValue> bucketFor(String id) throws IOException {
        if (own.isEmpty()) {
            return Optional.of(opened(name));
        }
        Optional<String> home = HomeRegion.of(id).filter(regions::contains);
        return home.isEmpty() ? Optional.empty() : Optional.of(opened(bucketOf(home)));
    }

    /** {@code id}'s home region, kept in another region's bucket that did not answer (lost, or electing). */
    public static final class RegionUnavailable extends IOException {
        RegionUnavailable(String id, String region, IOException cause) {
            super(id + " is kept in region " + region + ", which does not answer now; try again later", cause);
        }
    }

    /**
     * Runs an operation on {@code id}'s bucket: in this process's region (or the one), through a leader election
     * ({@link WhileElecting}); in another region, once, so a region that does not answer (lost, or electing) costs
     * one JetStream timeout, not the election's patience, and says so ({@link RegionUnavailable}): the caller
     * decides (another candidate, a 503).
     */
    public <T> T run(String id, WhileElecting.Operation<T> operation) throws IOException, JetStreamApiException {
        Optional<String> elsewhere = own.flatMap(region -> HomeRegion.of(id).filter(home -> !home.equals(region)));
        if (elsewhere.isEmpty()) {
            return WhileElecting.retry(operation);
        }
        try {
            return operation.run();
        } catch (IOException e) {
            throw WhileElecting.electing(e) ? new RegionUnavailable(id, elsewhere.get(), e) : e;
        }
    }

    private String bucketOf(Optional<String> region) {
        return region.map(r -> RideStorage.ofRegion(name, r)).orElse(name);
    }

    private KeyValue opened(String bucket) throws IOException {
        try {
            return opened.computeIfAbsent(bucket, b -> {
                try {
                    return connection.keyValue(b, JetStreamDefaults.keyValue());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
