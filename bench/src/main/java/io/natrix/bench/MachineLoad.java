package io.natrix.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How busy the whole machine was over a window, beyond the processes the bench counts: the share of CPU time
 * nobody used ({@code /proc/stat}) and the share of the window in which some runnable thread waited for a CPU
 * ({@code /proc/pressure/cpu}, Linux's pressure stall information). A window at 0 % idle and near 100 %
 * pressure is a machine at its limit, where every stop of the world lasts as long as its thread waits its turn.
 */
final class MachineLoad {

    /** A reading: CPU ticks (idle, all) and microseconds with some thread waiting for a CPU (empty: not known). */
    record Reading(long idleTicks, long allTicks, Optional<Long> stalledMicros, long atNanos) {
    }

    private MachineLoad() {
    }

    /** Now; empty where {@code /proc/stat} cannot be read (not Linux). */
    static Optional<Reading> read() {
        return read(Path.of("/proc/stat"), Path.of("/proc/pressure/cpu"));
    }

    static Optional<Reading> read(Path stat, Path pressure) {
        try {
            String cpu = Files.readAllLines(stat).stream().filter(line -> line.startsWith("cpu ")).findFirst().orElseThrow();
            String[] fields = cpu.trim().split("\\s+");
            long all = 0;
            for (int i = 1; i < Math.min(fields.length, 9); i++) { // user nice system idle iowait irq softirq steal
                all += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]); // idle and iowait
            return Optional.of(new Reading(idle, all, stalled(pressure), System.nanoTime()));
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /** {@code some avg10=99.05 avg60=95.32 avg300=83.23 total=15427666166}: the total, µs. */
    private static Optional<Long> stalled(Path pressure) {
        try {
            return Files.readAllLines(pressure).stream().filter(line -> line.startsWith("some "))
                    .map(line -> line.substring(line.indexOf("total=") + "total=".length()).trim())
                    .map(Long::parseLong).findFirst();
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty(); // kernels without pressure stall information
        }
    }

    /** {@code idle 3 % · some thread waiting for a CPU 97 % of the time}, or empty when either reading is missing. */
    static String describe(Optional<Reading> before, Optional<Reading> after) {
        if (before.isEmpty() || after.isEmpty() || after.get().allTicks() <= before.get().allTicks()) {
            return "";
        }
        Reading from = before.get();
        Reading to = after.get();
        String idle = String.format("idle %d %%", Math.round(100.0 * (to.idleTicks() - from.idleTicks()) / (to.allTicks() - from.allTicks())));
        if (from.stalledMicros().isEmpty() || to.stalledMicros().isEmpty()) {
            return idle;
        }
        double windowMicros = (to.atNanos() - from.atNanos()) / 1_000.0;
        return idle + String.format(" · a thread waiting for a CPU %d %% of the time",
                Math.round(100.0 * (to.stalledMicros().get() - from.stalledMicros().get()) / windowMicros));
    }
}
