package io.natrix.ride.geo;

import io.natrix.ride.geo.GeoMessages.NearbyDriver;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The H3 index answers exactly what a scan of every driver answers. */
class GeoIndexTest {

    /** {@code said}: whether the driver said it takes rides; null when it never said. */
    record Known(String id, double lat, double lng, long at, Boolean said) {
        boolean available() {
            return Boolean.TRUE.equals(said);
        }
    }

    @RepeatedTest(5)
    void nearbyMatchesABruteForceScanOnRandomFleets(org.junit.jupiter.api.RepetitionInfo repetition) {
        SplittableRandom random = new SplittableRandom(repetition.getCurrentRepetition());
        AtomicLong now = new AtomicLong(1_000_000);
        GeoIndex index = new GeoIndex(Duration.ofSeconds(30), now::get);
        List<Known> fleet = new ArrayList<>();
        int size = repetition.getCurrentRepetition() % 2 == 0 ? 30_000 : 3_000; // sparse and dense cities
        for (int i = 0; i < size; i++) { // Tel Aviv and around
            Known driver = new Known("d" + i, 32.03 + random.nextDouble() * 0.10, 34.74 + random.nextDouble() * 0.10,
                    now.get() - random.nextLong(60_000), switch (random.nextInt(10)) {
                        case 0 -> false;
                        case 1 -> null;
                        default -> true;
                    });
            fleet.add(driver);
            index.update(driver.id(), driver.lat(), driver.lng(), driver.at());
            if (driver.said() != null) {
                index.availability(driver.id(), driver.said(), driver.at());
            }
        }
        for (int i = 0; i < size; i += 1 + random.nextInt(3)) { // about half the fleet moves on, most to other cells
            Known before = fleet.get(i);
            Known moved = new Known(before.id(), 32.03 + random.nextDouble() * 0.10, 34.74 + random.nextDouble() * 0.10,
                    before.at() + 1, before.said());
            fleet.set(i, moved);
            index.update(moved.id(), moved.lat(), moved.lng(), moved.at());
        }
        for (int q = 0; q < 200; q++) {
            double lat = 32.03 + random.nextDouble() * 0.10;
            double lng = 34.74 + random.nextDouble() * 0.10;
            double radius = 100 + random.nextDouble() * 6_000;
            int limit = 1 + random.nextInt(30);
            List<String> expected = fleet.stream()
                    .filter(d -> d.available() && now.get() - d.at() <= 30_000)
                    .filter(d -> GeoMath.distanceMeters(lat, lng, d.lat(), d.lng()) <= radius)
                    .sorted(Comparator.comparingDouble((Known d) -> GeoMath.distanceMeters(lat, lng, d.lat(), d.lng()))
                            .thenComparing(Known::id))
                    .limit(limit).map(Known::id).toList();
            assertThat(index.nearby(lat, lng, radius, limit)).extracting(NearbyDriver::driverId)
                    .as("query %d: %.5f,%.5f within %.0f m, limit %d", q, lat, lng, radius, limit)
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aNewerPositionWinsAndAnOlderOneIsIgnored() {
        AtomicLong now = new AtomicLong(10_000);
        GeoIndex index = new GeoIndex(Duration.ofSeconds(30), now::get);
        index.availability("d1", true, 1_000);
        index.update("d1", 32.08, 34.78, 9_000);
        index.update("d1", 32.10, 34.80, 8_000); // late, older: ignored
        assertThat(index.nearby(32.08, 34.78, 10, 5)).singleElement()
                .satisfies(d -> assertThat(d.ageMillis()).isEqualTo(1_000));
        index.update("d1", 32.10, 34.80, 9_500); // moved to another cell
        assertThat(index.nearby(32.08, 34.78, 10, 5)).isEmpty();
        assertThat(index.nearby(32.10, 34.80, 10, 5)).hasSize(1);
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void aTimeInTheFutureCountsAsNowSoAGhostDriverGoesStaleLikeAnyOther() {
        AtomicLong now = new AtomicLong(100_000);
        GeoIndex index = new GeoIndex(Duration.ofSeconds(30), now::get);
        index.update("ghost", 32.08, 34.78, Long.MAX_VALUE / 2); // "at" a thousand years from now
        index.availability("ghost", false, Long.MAX_VALUE / 2);
        index.availability("ghost", true, 100_000); // a real change after it still counts
        assertThat(index.nearby(32.08, 34.78, 100, 5)).singleElement()
                .satisfies(d -> assertThat(d.ageMillis()).isZero());
        index.update("ghost", 32.09, 34.79, 100_000); // a real position is not "older" than the forged one
        assertThat(index.nearby(32.09, 34.79, 100, 5)).hasSize(1);

        now.set(100_000 + 31_000);
        assertThat(index.nearby(32.09, 34.79, 100, 5)).as("silent past 30 s, whatever it claimed").isEmpty();
    }

    @Test
    void unavailableAndSilentDriversDropOutAndAreEvicted() {
        AtomicLong now = new AtomicLong(100_000);
        GeoIndex index = new GeoIndex(Duration.ofSeconds(30), now::get);
        index.availability("busy", false, 99_000); // before its first position
        index.update("busy", 32.08, 34.78, 99_500);
        index.update("free", 32.0801, 34.7801, 99_500);
        index.availability("free", true, 99_500);
        assertThat(index.nearby(32.08, 34.78, 100, 5)).extracting(NearbyDriver::driverId).containsExactly("free");
        index.availability("busy", true, 99_800);
        index.availability("busy", false, 99_700); // older change: ignored
        assertThat(index.nearby(32.08, 34.78, 100, 5)).extracting(NearbyDriver::driverId).containsExactly("busy", "free");

        now.set(100_000 + 31_000);
        assertThat(index.nearby(32.08, 34.78, 100, 5)).as("silent past 30 s").isEmpty();
        now.set(100_000 + 61_000);
        index.evictStaleNowAndThen();
        assertThat(index.size()).as("evicted by the periodic check").isZero();
        index.update("back", 32.08, 34.78, now.get());
        index.evictStaleNowAndThen(); // within the same period: no second sweep, nothing lost
        assertThat(index.size()).isEqualTo(1);
        now.set(now.get() + 61_000);
        assertThat(index.evictStale()).isEqualTo(1);
    }

    @Test
    void aDriverThatNeverSaidItTakesRidesIsLeftOutHoweverFresh() {
        AtomicLong now = new AtomicLong(100_000);
        GeoIndex index = new GeoIndex(Duration.ofSeconds(30), now::get);
        index.update("unknown", 32.08, 34.78, 100_000);
        assertThat(index.nearby(32.08, 34.78, 100, 5)).isEmpty();
        assertThat(index.size()).as("its position is kept").isEqualTo(1);
        index.availability("unknown", true, 100_000);
        assertThat(index.nearby(32.08, 34.78, 100, 5)).extracting(NearbyDriver::driverId).containsExactly("unknown");
    }

    @Test
    void whatADriverSaidOutlivesItsForgottenPosition() {
        AtomicLong now = new AtomicLong(100_000);
        GeoIndex index = new GeoIndex(Duration.ofSeconds(30), now::get);
        index.availability("online", true, 100_000);
        index.update("online", 32.08, 34.78, 100_000);
        index.update("silent", 32.08, 34.78, 100_000); // never said
        now.set(100_000 + 61_000);
        assertThat(index.evictStale()).as("both positions go").isEqualTo(2);
        assertThat(index.size()).isZero();

        index.update("online", 32.08, 34.78, now.get()); // back after a long silence
        index.update("silent", 32.08, 34.78, now.get());
        assertThat(index.nearby(32.08, 34.78, 100, 5)).as("still online, as it said; the other still unknown")
                .extracting(NearbyDriver::driverId).containsExactly("online");
    }
}
