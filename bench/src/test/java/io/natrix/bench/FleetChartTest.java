package io.natrix.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The fleet chart reads the bench's own table rows, the way a run printed them. */
class FleetChartTest {

    /** Rows of a real run (2026-12-04): a step, a drivers-only step, and one whose CPU was not read. */
    static final List<String> OUTPUT = List.of(
            "| drivers | riders | locations/s | ... |",
            "|---:|---:|",
            "| 2,000 | 250 | 2,000 | 250 (250) | quick ×4,964, careful ×36 | 6 / 70 / 80 | 1,065 | 509 | 27 | 0 | eta-quick 3 · users 0 · eta-careful 4 · dispatch 8 · geo 8 · gateway 19 · nats 9 · sim 16 | yes |",
            "| 3,000 | 750 | 2,974 | 750 (750) | quick ×14,997, careful ×1 | 9 / 156 / 276 | 1,151 | 727 | 99 | 0 | eta-quick 4 · users 0 · eta-careful 5 · dispatch 13 · geo 11 · gateway 27 · nats 14 · sim 24 | yes |",
            "| 8,000 | 2,000 | 7,701 | 1,861 (1,861) | quick ×36,956, careful ×273 | 40 / 879 / 1,067 | 1,839 | 508 | 74 | 1,546 (IOException ×1,546) | eta-quick 0 · users 0 · eta-careful 0 · dispatch 0 · geo 0 · gateway 0 · nats 0 · sim 0 | no: 1546 errors since the step began (last: rides of 0d4d369a-7d78-397d-9bea-80018707f56d (opening the stream): java.net.SocketException: Too many open files); only 8,000 drivers and 1,823 riders online; nearby answers with drivers below 95% of one per rider per second (37,230 of 40,000); freshness measured on 37,244 answers, fewer than 95% of the expected |",
            "| 20,000 | 5,000 | | | | | | | | | | not run: the simulator would hold 50,000 sockets |",
            "largest fleet held: 3,000 drivers and 750 riders");

    @Test
    void readsEachMeasuredStepsCpuByProcessAndLeavesOutWhatWasNotMeasured(@TempDir Path dir) throws Exception {
        List<FleetChart.Row> rows = FleetChart.rows(OUTPUT);

        assertThat(rows).extracting(FleetChart.Row::drivers).containsExactly(2_000, 3_000);
        FleetChart.Row step = rows.get(1);
        assertThat(step.riders()).isEqualTo(750);
        assertThat(step.cpu()).containsEntry("sim", 24).containsEntry("gateway", 27).containsEntry("eta-quick", 4).hasSize(8);
        assertThat(step.total()).isEqualTo(4 + 0 + 5 + 13 + 11 + 27 + 14 + 24);

        assertThat(rows).allMatch(FleetChart.Row::held);
        assertThat(step.sample().cpuMicrosPerSecond()).containsEntry("sim", 240_000.0);
        assertThat(FleetChart.unitCosts(rows)).startsWith("CPU per unit (least squares over 2 steps that held, from the table's whole percents");

        Path png = dir.resolve("fleet.png");
        FleetChart.draw(png, Map.of("after", rows));
        assertThat(Files.readAllBytes(png)).startsWith(0x89, 'P', 'N', 'G');
    }
}
