package io.natrix.ride.geo;

import java.math.BigDecimal;

/**
 * The ranges of the ride API's numeric inputs, in one place. The wire records check themselves with these in
 * their constructors, so the gateway (which decodes a request into its record before it forwards it) and the
 * service that receives it refuse the same inputs with the same words: a 400 naming the field and its range.
 */
public final class Inputs {

    /** Degrees north (positive) or south. */
    public static final double MAX_LATITUDE = 90;
    /** Degrees east (positive) or west. */
    public static final double MAX_LONGITUDE = 180;
    /** The widest circle a nearby question may ask about. */
    public static final double MIN_RADIUS_METERS = 100, MAX_RADIUS_METERS = 10_000;
    /** How many drivers a nearby question may ask for. */
    public static final int MIN_LIMIT = 1, MAX_LIMIT = 50;

    private Inputs() {
    }

    public static double latitude(double lat) {
        return within("lat", lat, -MAX_LATITUDE, MAX_LATITUDE);
    }

    public static double longitude(double lng) {
        return within("lng", lng, -MAX_LONGITUDE, MAX_LONGITUDE);
    }

    /** Checks a nearby question: a point, a radius and how many drivers. */
    public static void nearby(double lat, double lng, double radiusMeters, int limit) {
        latitude(lat);
        longitude(lng);
        within("radiusMeters", radiusMeters, MIN_RADIUS_METERS, MAX_RADIUS_METERS);
        within("limit", limit, MIN_LIMIT, MAX_LIMIT);
    }

    /**
     * {@code value} when it lies in [min, max] (NaN and infinities never do).
     *
     * @throws IllegalArgumentException naming the field, its range and what was given
     */
    public static double within(String field, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(field + " must be a number from " + plain(min) + " to " + plain(max)
                    + ", got " + plain(value));
        }
        return value;
    }

    /** {@code value} when given. @throws IllegalArgumentException naming the missing field */
    public static <T> T required(String field, T value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    /** 10000 rather than 10000.0 or 1.0E4; NaN and infinities as Java writes them. */
    private static String plain(double value) {
        return Double.isFinite(value) ? BigDecimal.valueOf(value).stripTrailingZeros().toPlainString() : Double.toString(value);
    }
}
