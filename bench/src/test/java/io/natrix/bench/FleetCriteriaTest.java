package io.natrix.bench;

import io.natrix.ride.sim.Simulator;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A fleet step holds only on answers: windows that a broken nearby path produces do not hold. */
class FleetCriteriaTest {

    static final FleetBench.Options OPTIONS = FleetBench.Options.parse(List.of());
    static final FleetBench.Step STEP = new FleetBench.Step(100, 10);
    static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    static Histogram freshness(int samples, long millis) {
        Histogram histogram = new Histogram(3_600_000, 3);
        for (int i = 0; i < samples; i++) {
            histogram.recordValue(millis);
        }
        return histogram;
    }

    static Simulator.Window window(long answers, Map<String, Long> estimators, Histogram freshness, long errors) {
        return window(answers, answers, estimators, freshness, errors);
    }

    static Simulator.Window window(long answers, long withDrivers, Map<String, Long> estimators, Histogram freshness,
                                   long errors) {
        return new Simulator.Window(TEN_SECONDS, 100, 10, 100, answers / 10.0, answers, withDrivers, estimators, freshness,
                freshness(answers > 0 ? 10 : 0, 900), freshness(answers > 0 ? 10 : 0, 1_000), 3, 2, errors,
                errors == 0 ? Map.of() : Map.of("503", errors), errors == 0 ? "" : "nearby of r1: 503 failing fast");
    }

    @Test
    void aHealthyWindowHolds() {
        assertThat(FleetBench.misses(STEP, window(100, Map.of("quick", 100L), freshness(100, 40), 0), 0, OPTIONS)).isEmpty();
    }

    @Test
    void aWindowInWhichEveryNearbyPollFailedDoesNotHold() {
        Simulator.Window broken = window(0, Map.of(), freshness(0, 0), 100);
        List<String> misses = FleetBench.misses(STEP, broken, 100, OPTIONS);
        assertThat(misses).anySatisfy(miss -> assertThat(miss).contains("100 errors"))
                .anySatisfy(miss -> assertThat(miss).startsWith("nearby answers with drivers below 95%"))
                .anySatisfy(miss -> assertThat(miss).contains("freshness measured on 0 answers"));
    }

    @Test
    void anEmptyFreshnessHistogramIsNoPassEvenWithoutErrors() {
        Simulator.Window unmeasured = window(100, Map.of("quick", 100L), freshness(0, 0), 0);
        assertThat(FleetBench.misses(STEP, unmeasured, 0, OPTIONS)).singleElement()
                .satisfies(miss -> assertThat(miss).contains("freshness measured on 0 answers"));
    }

    @Test
    void answersRankedWithoutAnEtaAreADegradedStep() {
        Simulator.Window noEta = window(100, Map.of("distance", 30L, "quick", 70L), freshness(100, 40), 0);
        assertThat(FleetBench.misses(STEP, noEta, 0, OPTIONS)).singleElement()
                .satisfies(miss -> assertThat(miss).contains("no ETA estimator answered in time for 30 of 100"));
    }

    @Test
    void aSlowP99DoesNotHold() {
        Histogram slow = freshness(95, 40);
        slow.recordValueWithCount(400, 5);
        assertThat(FleetBench.misses(STEP, window(100, Map.of("quick", 100L), slow, 0), 0, OPTIONS)).singleElement()
                .satisfies(miss -> assertThat(miss).contains("freshness p99 above 250 ms"));
    }

    @Test
    void aWindowOfEmptyAnswersDoesNotHold() {
        Simulator.Window empty = window(100, 0, Map.of("none", 100L), freshness(100, 10), 0);
        assertThat(FleetBench.misses(STEP, empty, 0, OPTIONS)).singleElement()
                .satisfies(miss -> assertThat(miss).contains("nearby answers with drivers below 95%").contains("(0 of 100)"));
    }

    @Test
    void aStepWhoseSocketsAProcessCannotOpenIsSaidBeforeItRuns() {
        // this machine's hard limit: 20,000 files a process; one socket a driver, one a rider
        assertThat(FleetBench.beyondOpenFiles(new FleetBench.Step(14_000, 3_500), 20_000, 1, 2)).isEmpty();
        assertThat(FleetBench.beyondOpenFiles(new FleetBench.Step(16_000, 4_000), 20_000, 1, 2)).hasValueSatisfying(why ->
                assertThat(why).contains("each of 1 simulator processes would hold 20,000 sockets")
                        .contains("may open 20,000 files").contains("--sim-processes 2"));
        assertThat(FleetBench.beyondOpenFiles(new FleetBench.Step(16_000, 4_000), 20_000, 2, 2)).isEmpty();
        assertThat(FleetBench.beyondOpenFiles(new FleetBench.Step(16_000, 4_000), 100_000, 1, 2)).isEmpty();
        // 45,000 sockets: three simulators hold them, two gateways do not
        assertThat(FleetBench.beyondOpenFiles(new FleetBench.Step(36_000, 9_000), 20_000, 3, 2)).hasValueSatisfying(why ->
                assertThat(why).contains("each of 2 gateways would hold 22,500 streams").contains("--gateways 3"));
        assertThat(FleetBench.beyondOpenFiles(new FleetBench.Step(36_000, 9_000), 20_000, 3, 3)).isEmpty();
        assertThat(FleetBench.maxOpenFiles()).as("read from /proc/self/limits").isPositive();
    }

    @Test
    void asFewSimulatorProcessesAsHoldTheLargestStepsSockets() {
        List<FleetBench.Step> upTo = List.of(new FleetBench.Step(1_000, 250), new FleetBench.Step(12_000, 3_000));
        assertThat(FleetBench.simProcessesFor(upTo, 20_000)).isEqualTo(1); // 15,000 sockets
        assertThat(FleetBench.simProcessesFor(List.of(new FleetBench.Step(16_000, 4_000)), 20_000)).isEqualTo(2);
        assertThat(FleetBench.simProcessesFor(FleetBench.Options.parse(List.of()).steps(), 20_000))
                .as("the default steps end at 20,000 / 5,000: 25,000 sockets").isEqualTo(2);
        assertThat(FleetBench.simProcessesFor(List.of(), 20_000)).isEqualTo(1);
    }

    @Test
    void asFewGatewaysAsHoldTheLargestStepsStreamsButNeverOne() {
        assertThat(FleetBench.gatewaysFor(List.of(new FleetBench.Step(1_000, 250)), 20_000)).isEqualTo(2);
        assertThat(FleetBench.gatewaysFor(List.of(new FleetBench.Step(36_000, 9_000)), 20_000))
                .as("45,000 streams, 19,000 a process").isEqualTo(3);
        assertThat(FleetBench.gatewaysFor(FleetBench.Options.parse(List.of()).steps(), 20_000))
                .as("the default steps' 25,000 streams, 19,000 a process").isEqualTo(2);
        assertThat(FleetBench.beyondOpenFiles(new FleetBench.Step(36_000, 9_000), 20_000, 3,
                FleetBench.gatewaysFor(List.of(new FleetBench.Step(36_000, 9_000)), 20_000))).isEmpty();
    }
}
