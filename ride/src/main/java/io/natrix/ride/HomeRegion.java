package io.natrix.ride;

import java.util.Optional;
import java.util.UUID;

/**
 * Where the ride system keeps a user's or a ride's data when it runs in regions: in the region named at the head
 * of its id ({@code north_6f1c0d2e-...}): a user in the region where it signed up, a ride in the region whose
 * dispatch took it. Any region then finds a traveller or a ride without asking the others, and a region whose NATS cluster
 * is lost takes only its own data with it. Ids made without regions are plain UUIDs and have no home.
 */
public final class HomeRegion {

    /** Between the region and the UUID: a region's name may hold '_' too, a UUID never does. */
    private static final char SEPARATOR = '_';

    private HomeRegion() {
    }

    /** An id at home in {@code region}, or a plain UUID without one. */
    public static String id(Optional<String> region, UUID uuid) {
        return region.map(home -> home + SEPARATOR + uuid).orElseGet(uuid::toString);
    }

    /** Whether {@code id} was made from {@code uuid}, at home in whichever region. */
    public static boolean sameKey(String id, UUID uuid) {
        String key = uuid.toString();
        return id.equals(key) || id.endsWith(SEPARATOR + key);
    }

    /** The region an id is at home in; empty for an id made without regions. */
    public static Optional<String> of(String id) {
        int at = id.lastIndexOf(SEPARATOR);
        return at > 0 ? Optional.of(id.substring(0, at)) : Optional.empty();
    }
}
