package io.natrix.ride.geo;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The geo service sharded by place: each region's geo instances hold the drivers of their region's area and of
 * a border ring around it, and answer the nearby questions asked about a point of their region. Regions are
 * boxes of latitude and longitude; a point belongs to the first box that holds it (the nearest when none does).
 *
 * <p>Subjects, with regions (without, the single-region subjects of {@link GeoApi} stay as they are):
 * <ul>
 *   <li>a position of region {@code r}: {@code ms.geo.UpdatePoint.<r>.<driverId>}, and a gateway's batch of them
 *       {@code ms.geo.UpdatePoint.<r>.batch}: every geo instance of {@code r} hears them, the dashboard and the fleet's
 *       stream hear every region's ({@code ms.geo.UpdatePoint.>});</li>
 *   <li>the same position again for each other region whose box lies within {@link #RING_METERS} of it:
 *       {@code ms.geo.Ring.<other>.batch} (a driver near the border shows on both sides);</li>
 *   <li>a nearby question about a point of region {@code r}: {@code ms.geo.Nearby.<r>}, served by {@code r}'s geo
 *       instances wherever the caller is: NATS carries it across the supercluster's gateways.</li>
 * </ul>
 * The ring is as wide as the largest nearby radius, so a rider on the border is answered with every driver within
 * its radius on either side. A region's geo instances receive nothing of the rest of the world: NATS sends a
 * subject across a gateway only where it has a listener.
 */
public final class GeoRegions {

    /** How far beyond its box a region's geo instances hear positions: the largest nearby radius. */
    public static final double RING_METERS = Inputs.MAX_RADIUS_METERS;
    /** Where positions near another region's border are copied to: {@code ms.geo.Ring.<region>.batch}. */
    public static final String RING = "ms.geo.Ring";

    /** One region: a name (a NATS subject token) and a box of latitude and longitude. */
    public record Region(String name, double south, double west, double north, double east) {

        public Region {
            if (name == null || !name.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new IllegalArgumentException("a region's name is 1 to 32 letters, digits, '-' or '_'; got " + name);
            }
            if (!(south < north && west < east) || south < -90 || north > 90 || west < -180 || east > 180) {
                throw new IllegalArgumentException("region " + name + " is not a box south < north, west < east within"
                        + " the map: " + south + "," + west + "," + north + "," + east);
            }
        }

        boolean holds(double lat, double lng) {
            return lat >= south && lat < north && lng >= west && lng < east;
        }

        /** Metres from the point to the nearest point of the box (0 inside it). */
        double metersTo(double lat, double lng) {
            return GeoMath.distanceMeters(lat, lng, Math.clamp(lat, south, north), Math.clamp(lng, west, east));
        }
    }

    private final List<Region> regions;
    /** Each region's subjects, in the order of {@link #regions}: made once, not for every position a gateway places. */
    private final List<Subjects> subjects;

    private record Subjects(String ownBatch, String ringBatch, String nearby) {
    }

    private GeoRegions(List<Region> regions) {
        if (regions.isEmpty() || regions.stream().map(Region::name).distinct().count() != regions.size()) {
            throw new IllegalArgumentException("regions need distinct names, and one at least: " + regions);
        }
        this.regions = List.copyOf(regions);
        this.subjects = this.regions.stream().map(r -> new Subjects(positionsOf(r) + ".batch", ringOf(r) + ".batch",
                nearbySubject(r))).toList();
    }

    public static GeoRegions of(List<Region> regions) {
        return new GeoRegions(regions);
    }

    /**
     * Reads {@code name:south,west,north,east;name:...} ({@code north:32.0,34.0,33.0,36.0;south:31.0,34.0,32.0,36.0}):
     * how {@code NATRIX_GEO_REGIONS} or {@code -Dnatrix.geo.regions} give them to every process.
     */
    public static GeoRegions parse(String spec) {
        List<Region> regions = new ArrayList<>();
        for (String one : spec.split(";")) {
            String[] nameAndBox = one.strip().split(":");
            String[] box = nameAndBox.length == 2 ? nameAndBox[1].split(",") : new String[0];
            if (box.length != 4) {
                throw new IllegalArgumentException("a region is name:south,west,north,east; got '" + one + "' in '" + spec + "'");
            }
            try {
                regions.add(new Region(nameAndBox[0].strip(), Double.parseDouble(box[0].strip()), Double.parseDouble(box[1].strip()),
                        Double.parseDouble(box[2].strip()), Double.parseDouble(box[3].strip())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a region's box is four numbers; got '" + one + "'");
            }
        }
        return new GeoRegions(regions);
    }

    /** The regions this process is given, if any: {@code -Dnatrix.geo.regions}, else {@code NATRIX_GEO_REGIONS}. */
    public static Optional<GeoRegions> configured() {
        return Optional.ofNullable(System.getProperty("natrix.geo.regions", System.getenv("NATRIX_GEO_REGIONS")))
                .filter(spec -> !spec.isBlank()).map(GeoRegions::parse);
    }

    public List<Region> regions() {
        return regions;
    }

    /** The region named so; fails with the names there are. */
    public Region named(String name) {
        return regions.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no region '" + name + "'; there are " + regions.stream().map(Region::name).toList()));
    }

    /** The region a point belongs to: the first box holding it, else the nearest. */
    public Region regionOf(double lat, double lng) {
        return regions.get(indexOf(lat, lng));
    }

    private int indexOf(double lat, double lng) {
        for (int i = 0; i < regions.size(); i++) {
            if (regions.get(i).holds(lat, lng)) {
                return i;
            }
        }
        int nearest = 0; // off every box: distances only now
        for (int i = 1; i < regions.size(); i++) {
            if (regions.get(i).metersTo(lat, lng) < regions.get(nearest).metersTo(lat, lng)) {
                nearest = i;
            }
        }
        return nearest;
    }

    /** Where a nearby question about this point goes: its region's geo instances. */
    public String nearbySubject(double lat, double lng) {
        return subjects.get(indexOf(lat, lng)).nearby();
    }

    /**
     * Where a nearby question about the circle goes: its point's region first, then each other region whose border
     * ring holds the whole circle (that region's geo instances hear every position there too): each of them answers it
     * whole, so a region lost, its border is still served from the other side.
     */
    public List<String> nearbySubjects(double lat, double lng, double radiusMeters) {
        int owner = indexOf(lat, lng);
        List<String> shards = List.of(subjects.get(owner).nearby()); // most points: their own region alone, no copy made
        for (int i = 0; i < regions.size(); i++) {
            if (i != owner && regions.get(i).metersTo(lat, lng) + radiusMeters <= RING_METERS) {
                shards = new ArrayList<>(shards);
                shards.add(subjects.get(i).nearby());
            }
        }
        return shards;
    }

    public static String nearbySubject(Region region) {
        return GeoApi.NEARBY + "." + region.name();
    }

    /** The batch subjects a position at this point joins: its region's, and the ring of each region near it. */
    public List<String> batchSubjects(double lat, double lng) {
        int owner = indexOf(lat, lng);
        List<String> joined = List.of(subjects.get(owner).ownBatch());
        for (int i = 0; i < regions.size(); i++) {
            if (i != owner && regions.get(i).metersTo(lat, lng) <= RING_METERS) {
                joined = new ArrayList<>(joined);
                joined.add(subjects.get(i).ringBatch());
            }
        }
        return joined;
    }

    /** {@code ms.geo.UpdatePoint.<region>}: the region's own positions, under it. */
    public static String positionsOf(Region region) {
        return GeoApi.POSITIONS + "." + region.name();
    }

    /** {@code ms.geo.Ring.<region>}: other regions' positions near this one's border, under it. */
    public static String ringOf(Region region) {
        return RING + "." + region.name();
    }

    @Override
    public String toString() {
        return String.join(";", regions.stream().map(r -> r.name() + ":" + r.south() + "," + r.west() + "," + r.north() + "," + r.east()).toList());
    }
}
