package io.natrix.ride.geo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.EndpointOptions;
import io.natrix.Listener;
import io.natrix.ListenerOptions;
import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.ride.RideStorage;
import io.natrix.ride.geo.GeoMessages.DriverAvailability;
import io.natrix.ride.geo.GeoMessages.DriverPosition;
import io.natrix.ride.geo.GeoMessages.NearbyDrivers;
import io.natrix.ride.geo.GeoMessages.NearbyRequest;

import io.nats.client.api.DeliverPolicy;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The geo service ({@link GeoApi}): every instance hears every driver's position (broadcast on
 * {@code ms.geo.UpdatePoint.<driverId>}, or gathered by a gateway on {@link GeoApi#BATCHES}) and keeps the whole fleet
 * in a {@link GeoIndex}; one instance of the queue group answers each {@code ms.geo.Nearby}. A new instance
 * replays the fleet's last state from JetStream before it answers.
 */
public final class GeoService {

    private static final String POSITIONS = GeoApi.POSITIONS;
    private static final String AVAILABILITY = GeoApi.AVAILABILITY;

    private static final System.Logger LOG = System.getLogger(GeoService.class.getName());

    private static final ListenerOptions INDEXING = ListenerOptions.defaults().neverDrop().nonBlocking();

    private GeoService() {
    }

    /** A position that came without a time (a driver's app through the gateway) is as of now. */
    private static long at(long at) {
        return at > 0 ? at : System.currentTimeMillis();
    }

    /** The good positions of one stored message, into the index; a bad line is logged, not fatal to a replay. */
    private static int replayed(byte[] message, Consumer<DriverPosition> indexed) {
        try {
            return Positions.each(message, indexed);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "replaying the fleet: {0}", e.getMessage());
            return 0;
        }
    }

    /** Starts one geo instance over {@code natrix}, answering from {@code index}: the whole fleet's. */
    public static Service start(Natrix natrix, GeoIndex index) {
        return start(natrix, index, Optional.empty());
    }

    /**
     * Starts one geo instance of {@code shard} ({@link GeoRegions}): it hears its region's positions and its
     * border ring's, and answers the nearby questions about its region's points ({@code ms.geo.Nearby.<region>});
     * empty: the whole fleet's, on {@code ms.geo.Nearby}.
     */
    public static Service start(Natrix natrix, GeoIndex index, Optional<GeoRegions.Region> shard) {
        ObjectMapper json = Natrix.defaultObjectMapper(); // the availability changes as natrix decodes every payload
        Consumer<DriverPosition> indexed = p -> index.update(p.driverId(), p.lat(), p.lng(), at(p.at()));
        Listener<byte[]> indexing = message -> {
            try {
                Positions.each(message, indexed);
            } finally {
                index.evictStaleNowAndThen(); // on the listener's own thread: no timer to own or stop
            }
        };
        String heard = shard.map(GeoRegions::positionsOf).orElse(POSITIONS) + ".>";
        String fleet = shard.map(RideStorage::fleetOf).orElse(RideStorage.GEO_FLEET); // its replay: its region's own
        EndpointOptions nearby = EndpointOptions.defaults().nonBlocking();
        Service.Builder geo = natrix.service("geo").version("1.0.0")
                .description(shard.map(r -> "Where region " + r.name() + "'s drivers are (and its border ring's):")
                        .orElse("Where every driver is:") + " H3-indexed fleet, nearest available drivers")
                // the index must not miss a driver, and writing to it is a map write: no event is dropped, and
                // each is taken where it is read, with no hand-off (ListenerOptions)
                .broadcastListener(heard, byte[].class, indexing, INDEXING);
        if (shard.isPresent()) { // the neighbours' drivers near the border, which the gateways copy to this region
            geo.broadcastListener(GeoRegions.ringOf(shard.get()) + ".>", byte[].class, indexing, INDEXING);
            nearby = nearby.subject(GeoRegions.nearbySubject(shard.get()));
        }
        return geo
                .broadcastListener(AVAILABILITY + ".>", DriverAvailability.class,
                        a -> index.availability(a.driverId(), a.available(), a.at()), INDEXING)
                // a nearby query is a read of the index in memory: served where it is read (EndpointOptions.nonBlocking)
                .implement(GeoApi.class, new GeoApi() {
                    @Override
                    public NearbyDrivers nearby(NearbyRequest request) {
                        // the request checked its own ranges as it was decoded (GeoMessages, Inputs): a bad one is a 400
                        return new NearbyDrivers(index.nearby(request.lat(), request.lng(), request.radiusMeters(), request.limit()));
                    }

                    @Override
                    public DriverAvailability setAvailability(GeoMessages.SetAvailability request) {
                        if (request.driverId() == null || !request.driverId().matches("[A-Za-z0-9_-]{1,64}")) {
                            throw new io.natrix.ServiceException(400, "driverId must be 1 to 64 letters, digits, '-' or '_'");
                        }
                        DriverAvailability change = new DriverAvailability(request.driverId(), request.available(), System.currentTimeMillis());
                        natrix.publish(GeoApi.availabilityOf(request.driverId()), change);
                        return change;
                    }
                }, Map.of("Nearby", nearby))
                .beforeServing(() -> {
                    FleetReplay.requireStreams(natrix.nats(), fleet);
                    LongAdder positions = new LongAdder();
                    FleetReplay.replay(natrix.nats(), fleet, heard, DeliverPolicy.All,
                            message -> positions.add(replayed(message, indexed)));
                    long changes = FleetReplay.replay(natrix.nats(), RideStorage.GEO_AVAILABILITY, AVAILABILITY + ".>",
                            DeliverPolicy.LastPerSubject, message -> {
                                DriverAvailability a = json.readValue(message, DriverAvailability.class);
                                index.availability(a.driverId(), a.available(), a.at());
                            });
                    LOG.log(Level.INFO, "geo instance ready: replayed {0} positions and {1} availability changes", positions.sum(), changes);
                })
                .start();
    }
}
