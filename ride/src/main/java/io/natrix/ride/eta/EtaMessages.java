package io.natrix.ride.eta;

import java.util.List;

/** The ETA services' wire messages (JSON). */
public final class EtaMessages {

    private EtaMessages() {
    }

    /** A driver who could take the ride. */
    public record Candidate(String driverId, double lat, double lng) {
    }

    /** How long each candidate needs to reach the rider, asked at {@code atEpochMillis} (for the time of day). */
    public record EtaRequest(double riderLat, double riderLng, List<Candidate> candidates, long atEpochMillis) {
    }

    /** One candidate's estimate. */
    public record Eta(String driverId, long seconds, long meters) {
    }

    /** The answer, fastest pick-up first, and which estimator made it. */
    public record Etas(String estimator, List<Eta> etas) {
    }
}
