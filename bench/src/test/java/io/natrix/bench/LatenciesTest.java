package io.natrix.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One rule for latencies and rounds: pauses are not hidden by the closed loop, and two rounds have no median. */
class LatenciesTest {

    @Test
    void aPauseThatHeldBackRequestsShowsInTheCorrectedTail() {
        Histogram recorded = Latencies.histogram();
        recorded.recordValueWithCount(100_000, 990);   // 100 µs each
        recorded.recordValue(100_000_000);              // one caller stalled 100 ms: ~1,000 requests not sent
        Latencies.Percentiles percentiles = Latencies.of(recorded);
        assertThat(percentiles.p99()).as("as recorded, one slow sample is under the 1%").isLessThan(101);
        assertThat(percentiles.correctedP99()).as("corrected, the requests it held back count").isGreaterThan(10_000);
        assertThat(percentiles.correctedP50()).isGreaterThanOrEqualTo(percentiles.p50());
    }

    @Test
    void aRunWithoutPausesIsLeftAsItWas() {
        Histogram recorded = Latencies.histogram();
        for (int i = 1; i <= 1_000; i++) {
            recorded.recordValue(100_000 + i * 10L); // 100–110 µs, nothing longer than twice the median
        }
        Latencies.Percentiles percentiles = Latencies.of(recorded);
        assertThat(percentiles.correctedP99()).isEqualTo(percentiles.p99());
    }

    @Test
    void filesFromAnyRequesterReadBackTheSameSamples(@TempDir Path dir) throws Exception {
        Path goStyle = dir.resolve("go.txt");
        Files.writeString(goStyle, "1500 2\n2500 1\n\n90000\n"); // Go and Node write "nanoseconds count"; a bare value counts once
        Histogram read = Latencies.read(goStyle);
        assertThat(read.getTotalCount()).isEqualTo(4);
        assertThat(read.getMaxValue()).isBetween(89_950L, 90_050L);

        Path javaStyle = dir.resolve("java.txt");
        Latencies.write(read, javaStyle);
        assertThat(Latencies.read(javaStyle).getTotalCount()).isEqualTo(4);
    }

    @Test
    void theMedianOfRoundsIsOneOfThemAndNeedsAnOddCount() {
        assertThat(Rounds.median(List.of(3.0, 1.0, 2.0), x -> x)).isEqualTo(2.0);
        assertThat(Rounds.range(List.of(3.0, 1.0, 2.0), x -> x, "%.0f")).isEqualTo("1–3");
        assertThatThrownBy(() -> Rounds.median(List.of(1.0, 2.0), x -> x)).hasMessageContaining("odd");
        assertThatThrownBy(() -> Rounds.requireOdd(2)).hasMessageContaining("not the better of two");
    }

    @Test
    void aRunWithNoSampleHasNoLatencyRatherThanZero() {
        assertThat(Latencies.of(Latencies.histogram()).correctedP99()).isNaN();
    }
}
