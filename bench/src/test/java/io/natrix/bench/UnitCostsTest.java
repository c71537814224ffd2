package io.natrix.bench;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The per-unit costs the fleet bench prints are the slopes of the steps, whatever each process's fixed cost. */
class UnitCostsTest {

    /** geo: 0.3 core fixed, 30 µs per driver-second, 100 per rider-second; sim: 0.1 core, 40 and 20. */
    static UnitCosts.Sample step(int drivers, int riders) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put("geo", 300_000 + 30.0 * drivers + 100.0 * riders);
        cpu.put("sim", 100_000 + 40.0 * drivers + 20.0 * riders);
        return new UnitCosts.Sample(drivers, riders, cpu);
    }

    @Test
    void stepsThatVaryTheRatioGiveEachSlopeApart() {
        Map<String, UnitCosts.Fit> fits = UnitCosts.fit(List.of(step(1_000, 250), step(2_000, 250), step(2_000, 500), step(3_000, 750)));
        assertThat(fits).containsOnlyKeys("total", "geo", "sim");
        UnitCosts.Fit geo = fits.get("geo");
        assertThat(geo.perDriver()).hasValueSatisfying(v -> assertThat(v).isCloseTo(30, within(1e-6)));
        assertThat(geo.perRider()).hasValueSatisfying(v -> assertThat(v).isCloseTo(100, within(1e-6)));
        assertThat(geo.perUnit()).isCloseTo(30 + 25, within(1e-6));
        assertThat(geo.fixedMicrosPerSecond()).isCloseTo(300_000, within(1e-3));
        UnitCosts.Fit total = fits.get("total");
        assertThat(total.perUnit()).isCloseTo(30 + 25 + 40 + 5, within(1e-6));
        assertThat(total.ridersPerUnit()).isEqualTo(0.25);
    }

    @Test
    void stepsOfOneRatioGiveTheCostOfADriverWithItsRiders() {
        Map<String, UnitCosts.Fit> fits = UnitCosts.fit(List.of(step(1_000, 250), step(2_000, 500), step(4_000, 1_000)));
        UnitCosts.Fit total = fits.get("total");
        assertThat(total.perDriver()).isEmpty();
        assertThat(total.perRider()).isEmpty();
        assertThat(total.perUnit()).isCloseTo(100, within(1e-6));
        assertThat(total.ridersPerUnit()).isEqualTo(0.25);
        assertThat(total.fixedMicrosPerSecond()).isCloseTo(400_000, within(1e-3));
    }

    @Test
    void oneFleetSizeHasNoSlope() {
        assertThat(UnitCosts.fit(List.of(step(1_000, 250)))).isEmpty();
        assertThat(UnitCosts.fit(List.of())).isEmpty();
    }
}
