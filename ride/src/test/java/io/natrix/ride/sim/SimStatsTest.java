package io.natrix.ride.sim;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** A window taken while riders answer holds exactly one freshness sample per answer it counts. */
class SimStatsTest {

    @Test
    void aWindowTakenWhileRidersAnswerHoldsOneSamplePerAnswer() throws Exception {
        SimStats stats = new SimStats();
        AtomicBoolean answering = new AtomicBoolean(true);
        List<Thread> riders = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            riders.add(Thread.ofPlatform().start(() -> {
                while (answering.get()) {
                    stats.nearbyAnswer("quick", true, 40, 300, 1_000);
                }
            }));
        }
        try {
            long counted = stats.betweenAnswers(() -> {
                stats.interval(); // what came before
                return stats.nearbyUpdates.sum();
            });
            for (int window = 0; window < 2_000; window++) {
                Taken taken = stats.betweenAnswers(() -> new Taken(stats.interval(), stats.nearbyUpdates.sum()));
                long answers = taken.answers() - counted;
                counted = taken.answers();
                assertThat(taken.samples()[0].getTotalCount()).as("window %d: freshness samples", window).isEqualTo(answers);
                assertThat(taken.samples()[3].getTotalCount()).as("window %d: gaps", window).isEqualTo(answers);
            }
            assertThat(counted).as("the riders answered meanwhile").isGreaterThan(2_000);
        } finally {
            answering.set(false);
            for (Thread rider : riders) {
                rider.join();
            }
        }
    }

    @Test
    void whatIsNotKnownIsNotSampled() {
        SimStats stats = new SimStats();
        stats.nearbyAnswer("none", false, -1, -1, -1);
        stats.nearbyAnswer("", true, 7_200_000, 0, 1_000);
        Histogram[] window = stats.interval();
        assertThat(stats.nearbyUpdates.sum()).isEqualTo(2);
        assertThat(stats.nearbyWithDrivers.sum()).isEqualTo(1);
        assertThat(SimStats.snapshot(stats.nearbyByEstimator)).containsEntry("none", 1L).containsEntry("?", 1L);
        assertThat(window[0].getTotalCount()).isEqualTo(1);
        assertThat(window[0].getMaxValue()).as("an hour at most").isBetween(3_599_000L, 3_601_000L);
        assertThat(window[2].getTotalCount()).isEqualTo(1);
        assertThat(window[3].getTotalCount()).isEqualTo(1);
    }

    private record Taken(Histogram[] samples, long answers) {
    }
}
