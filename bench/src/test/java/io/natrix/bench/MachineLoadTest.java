package io.natrix.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The machine's idle share and CPU pressure, from this machine's /proc and from files written as the kernel writes them. */
class MachineLoadTest {

    @Test
    void thisMachineCanBeRead() {
        Optional<MachineLoad.Reading> now = MachineLoad.read();
        assertThat(now).as("a Linux /proc/stat").hasValueSatisfying(reading -> {
            assertThat(reading.allTicks()).isPositive();
            assertThat(reading.idleTicks()).isBetween(0L, reading.allTicks());
        });
    }

    @Test
    void idleAndPressureOverAWindow(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        Path pressure = dir.resolve("pressure");
        // user nice system idle iowait irq softirq steal guest guest_nice
        Files.writeString(stat, "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\n");
        Files.writeString(pressure, "some avg10=1.00 avg60=1.00 avg300=1.00 total=1000000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
        MachineLoad.Reading before = MachineLoad.read(stat, pressure).orElseThrow();
        Files.writeString(stat, "cpu  250 0 100 840 60 0 0 0 0 0\n");
        Files.writeString(pressure, "some avg10=90.00 avg60=50.00 avg300=10.00 total=1900000\n");
        MachineLoad.Reading after = MachineLoad.read(stat, pressure).orElseThrow();
        // the window's length is taken from the readings' clocks: one second here
        MachineLoad.Reading oneSecondLater = new MachineLoad.Reading(after.idleTicks(), after.allTicks(), after.stalledMicros(),
                before.atNanos() + 1_000_000_000L);

        assertThat(MachineLoad.describe(Optional.of(before), Optional.of(oneSecondLater)))
                .isEqualTo("idle 20 % · a thread waiting for a CPU 90 % of the time"); // 50 of 250 ticks idle
    }

    @Test
    void withoutPressureOnlyIdleAndWithoutReadingsNothing(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "cpu  100 0 0 100 0 0 0 0\n");
        MachineLoad.Reading before = MachineLoad.read(stat, dir.resolve("absent")).orElseThrow();
        Files.writeString(stat, "cpu  200 0 0 100 0 0 0 0\n");
        MachineLoad.Reading after = MachineLoad.read(stat, dir.resolve("absent")).orElseThrow();

        assertThat(MachineLoad.describe(Optional.of(before), Optional.of(after))).isEqualTo("idle 0 %");
        assertThat(MachineLoad.describe(Optional.empty(), Optional.of(after))).isEmpty();
        assertThat(MachineLoad.read(dir.resolve("no-stat"), dir.resolve("absent"))).isEmpty();
    }
}
