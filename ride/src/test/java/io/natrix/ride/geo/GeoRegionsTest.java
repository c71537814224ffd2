package io.natrix.ride.geo;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeoRegionsTest {

    /** Two regions side by side, north and south of latitude 32. */
    static final GeoRegions TWO = GeoRegions.parse("north:32.0,34.0,33.0,36.0; south:31.0,34.0,32.0,36.0");

    @Test
    void aPointBelongsToTheBoxHoldingItOrTheNearest() {
        assertThat(TWO.regionOf(32.5, 35.0).name()).isEqualTo("north");
        assertThat(TWO.regionOf(32.0, 35.0).name()).as("the border line is the northern box's").isEqualTo("north");
        assertThat(TWO.regionOf(31.99, 35.0).name()).isEqualTo("south");
        assertThat(TWO.regionOf(40.0, 35.0).name()).as("beyond every box: the nearest").isEqualTo("north");
        assertThat(TWO.nearbySubject(31.5, 35.0)).isEqualTo("ms.geo.Nearby.south");
    }

    @Test
    void aPositionNearTheBorderAlsoGoesToTheOtherRegionsRing() {
        // 0.05° of latitude is about 5.6 km: within the ring (the largest nearby radius, 10 km)
        assertThat(TWO.batchSubjects(32.05, 35.0)).containsExactly("ms.geo.UpdatePoint.north.batch", "ms.geo.Ring.south.batch");
        assertThat(TWO.batchSubjects(31.95, 35.0)).containsExactly("ms.geo.UpdatePoint.south.batch", "ms.geo.Ring.north.batch");
        // 0.2° is about 22 km: its own region's alone
        assertThat(TWO.batchSubjects(32.2, 35.0)).containsExactly("ms.geo.UpdatePoint.north.batch");
        assertThat(GeoRegions.RING_METERS).isEqualTo(Inputs.MAX_RADIUS_METERS);
    }

    @Test
    void aCircleWithinTheOtherRegionsRingMayBeAskedThereWhenItsOwnShardIsGone() {
        // 0.05° north of the border (5.6 km): a 3 km circle lies within the south's 10 km ring, a 5 km one does not
        assertThat(TWO.nearbySubjects(32.05, 35.0, 3_000)).containsExactly("ms.geo.Nearby.north", "ms.geo.Nearby.south");
        assertThat(TWO.nearbySubjects(32.05, 35.0, 5_000)).containsExactly("ms.geo.Nearby.north");
        assertThat(TWO.nearbySubjects(32.5, 35.0, 3_000)).as("far from the border").containsExactly("ms.geo.Nearby.north");
    }

    @Test
    void aBadSpecIsRefusedWithWhatAGoodOneLooksLike() {
        assertThatThrownBy(() -> GeoRegions.parse("north:32,34,33")).hasMessageContaining("name:south,west,north,east");
        assertThatThrownBy(() -> GeoRegions.parse("north:33,34,32,36")).hasMessageContaining("not a box");
        assertThatThrownBy(() -> GeoRegions.parse("no.dots:31,34,32,36")).hasMessageContaining("letters, digits");
        assertThatThrownBy(() -> GeoRegions.parse("a:31,34,32,36;a:32,34,33,36")).hasMessageContaining("distinct");
        assertThatThrownBy(() -> TWO.named("east")).hasMessageContaining("[north, south]");
        assertThat(GeoRegions.of(List.of(TWO.named("north"))).regions()).hasSize(1);
    }
}
