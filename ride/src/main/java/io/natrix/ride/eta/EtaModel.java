package io.natrix.ride.eta;

import io.natrix.ride.eta.EtaMessages.Candidate;
import io.natrix.ride.eta.EtaMessages.Eta;
import io.natrix.ride.eta.EtaMessages.EtaRequest;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;

/**
 * Two ways to estimate a pick-up time. {@link #QUICK}: straight-line distance times a road factor, at the
 * speed of the hour. {@link #CAREFUL}: distance along a street grid aligned with Tel Aviv's (rotated about
 * 20° from north), a road factor that shrinks with distance, a penalty per turn, and the same speed profile —
 * closer to a driven route, and what a slower, more accurate service would compute.
 */
enum EtaModel {

    QUICK {
        @Override
        long meters(double lat1, double lng1, double lat2, double lng2) {
            return Math.round(straightMeters(lat1, lng1, lat2, lng2) * 1.35);
        }

        @Override
        long overheadSeconds(long meters) {
            return 30;
        }
    },

    CAREFUL {
        private static final double GRID_ROTATION = Math.toRadians(20);

        @Override
        long meters(double lat1, double lng1, double lat2, double lng2) {
            double north = (lat2 - lat1) * METERS_PER_DEGREE_LAT;
            double east = (lng2 - lng1) * METERS_PER_DEGREE_LAT * Math.cos(Math.toRadians((lat1 + lat2) / 2));
            double along = Math.abs(north * Math.cos(GRID_ROTATION) + east * Math.sin(GRID_ROTATION));
            double across = Math.abs(-north * Math.sin(GRID_ROTATION) + east * Math.cos(GRID_ROTATION));
            double grid = along + across;
            double detour = 1.0 + 0.25 * Math.exp(-grid / 3_000); // short trips wind more
            return Math.round(grid * detour);
        }

        @Override
        long overheadSeconds(long meters) {
            long turns = 1 + meters / 400; // a turn every few blocks
            return 20 + turns * 12;
        }
    };

    static final double METERS_PER_DEGREE_LAT = 111_195;
    private static final ZoneId TEL_AVIV = ZoneId.of("Asia/Jerusalem");

    abstract long meters(double lat1, double lng1, double lat2, double lng2);

    abstract long overheadSeconds(long meters);

    List<Eta> estimate(EtaRequest request) {
        double speed = metersPerSecond(request.atEpochMillis());
        return request.candidates().stream()
                .map((Candidate c) -> {
                    long meters = meters(c.lat(), c.lng(), request.riderLat(), request.riderLng());
                    return new Eta(c.driverId(), Math.round(meters / speed) + overheadSeconds(meters), meters);
                })
                .sorted(Comparator.comparingLong(Eta::seconds).thenComparing(Eta::driverId))
                .toList();
    }

    /** City speeds by hour: rush hours crawl, nights fly. */
    static double metersPerSecond(long epochMillis) {
        int hour = Instant.ofEpochMilli(epochMillis).atZone(TEL_AVIV).getHour();
        double kmh = switch (hour) {
            case 7, 8, 9, 16, 17, 18, 19 -> 16;
            case 22, 23, 0, 1, 2, 3, 4, 5 -> 38;
            default -> 25;
        };
        return kmh / 3.6;
    }

    static double straightMeters(double lat1, double lng1, double lat2, double lng2) {
        double north = (lat2 - lat1) * METERS_PER_DEGREE_LAT;
        double east = (lng2 - lng1) * METERS_PER_DEGREE_LAT * Math.cos(Math.toRadians((lat1 + lat2) / 2));
        return Math.hypot(north, east);
    }
}
