package io.natrix.examples;

import io.natrix.EndpointOptions;
import io.natrix.Natrix;

import java.time.Duration;
import java.util.List;

/** The talk's GetFastestResult: ask a quick and a careful estimator, take whichever answers first. */
public final class FastestEta {

    public record Trip(double fromLat, double fromLng, double toLat, double toLng) { }

    public record Eta(String estimator, long seconds) { }

    /** Starts an estimator that takes {@code delay} to answer on {@code eta.<name>}. */
    public static void startEstimator(Natrix natrix, String name, Duration delay) {
        natrix.service("eta-" + name).version("1.0.0")
                .endpoint("Estimate", Trip.class, trip -> {
                    Thread.sleep(delay); // plain blocking code: this is a virtual thread
                    double km = Math.hypot(trip.toLat() - trip.fromLat(), trip.toLng() - trip.fromLng()) * 111;
                    return new Eta(name, Math.round(km / 30 * 3600));
                }, EndpointOptions.defaults().subject("eta." + name))
                .start();
    }

    /** The first estimate that arrives within 500 ms. */
    public static Eta estimate(Natrix natrix, Trip trip) {
        return natrix.fastest(List.of("eta.quick", "eta.careful"), trip, Eta.class, Duration.ofMillis(500));
    }

    public static void main(String[] args) {
        try (Natrix natrix = Connect.from(args)) {
            startEstimator(natrix, "quick", Duration.ofMillis(5));
            startEstimator(natrix, "careful", Duration.ofMillis(300));
            System.out.println(estimate(natrix, new Trip(32.0853, 34.7818, 32.1093, 34.8555)));
        }
    }
}
