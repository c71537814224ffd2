package io.natrix.ride.api;

import com.uber.h3core.H3Core;
import com.uber.h3core.util.LatLng;
import io.natrix.ride.geo.GeoMessages.NearbyRequest;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Riders' nearby streams shared by place: a rider's request is answered for the centre of its H3 cell at
 * resolution 9 (hexagons of about 0.1 km², 174 m edges), so every rider in one cell shares one poll of dispatch a
 * second at each gateway instead of asking once each. A rider's own point is at most one edge from the centre:
 * a pick-up time a few tens of seconds off at walking scale, for a list of drivers within kilometres.
 */
final class NearbyCells {

    static final int RESOLUTION = 9;
    private static final H3Core H3 = load();

    private NearbyCells() {
    }

    /** The same request, from the centre of its point's cell. */
    static NearbyRequest centreOf(NearbyRequest request) {
        LatLng centre = H3.cellToLatLng(H3.latLngToCell(request.lat(), request.lng(), RESOLUTION));
        return new NearbyRequest(centre.lat, centre.lng, request.radiusMeters(), request.limit());
    }

    private static H3Core load() {
        try {
            return H3Core.newInstance();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load H3's native library", e);
        }
    }
}
