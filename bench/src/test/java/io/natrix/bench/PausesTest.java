package io.natrix.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The stops of a real JVM, logged with the option the fleet bench gives every JVM, read back per process. */
class PausesTest {

    /** A JVM that collects once, with the serial collector, so its longest stop is a collection. */
    static final class CollectsOnce {
        public static void main(String[] args) {
            byte[][] garbage = new byte[64][];
            for (int i = 0; i < garbage.length; i++) {
                garbage[i] = new byte[1 << 20];
            }
            System.out.println(garbage.length);
            System.gc();
        }
    }

    @Test
    void aChildJvmsCollectionIsItsLongestStopWithinItsLifetimeAndNoneOutsideIt(@TempDir Path folder) throws Exception {
        Pauses pauses = Pauses.in(folder.resolve("stops"));
        long before = System.currentTimeMillis();
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-XX:+UseSerialGC",
                pauses.jvmOption(), "-cp", System.getProperty("java.class.path"), CollectsOnce.class.getName())
                .redirectErrorStream(true).redirectOutput(folder.resolve("out.txt").toFile()).start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        long after = System.currentTimeMillis();
        Map<String, List<ProcessHandle>> roles = Map.of("child", List.of(child.toHandle()), "never-started",
                List.of(ProcessHandle.current()));

        Map<String, Pauses.Stop> longest = pauses.longest(roles, before, after);

        assertThat(longest).containsOnlyKeys("child"); // this JVM logs nowhere: left out, not zero
        assertThat(longest.get("child").operation()).contains("GC");
        assertThat(longest.get("child").nanos()).isPositive();
        assertThat(longest.get("child").endedMillis()).isBetween(before, after);
        assertThat(pauses.longest(roles, after + 1, after + 60_000)).isEmpty();
    }

    @Test
    void aLineThatIsNoSafepointIsNoStop() {
        assertThat(Pauses.parse("[1733350000123ms] Using Serial")).isEmpty();
        assertThat(Pauses.parse("[1733350000123ms] Safepoint \"G1CollectForAllocation\", Time since last: 5 ns,"
                + " Reaching safepoint: 114731 ns, At safepoint: 11621 ns, Leaving safepoint: 10 ns, Total: 127712 ns"))
                .contains(new Pauses.Stop(1733350000123L, "G1CollectForAllocation", 127712));
    }

    @Test
    void onlyLongStopsNameTheirCause() {
        var stops = new java.util.LinkedHashMap<String, Pauses.Stop>();
        stops.put("gateway", new Pauses.Stop(0, "SerialCollectForAllocation", 1_044_938_000L));
        stops.put("geo", new Pauses.Stop(0, "Cleanup", 12_400_000L));
        assertThat(Pauses.describe(stops)).isEqualTo("gateway 1,045 (SerialCollectForAllocation) · geo 12");
    }
}
