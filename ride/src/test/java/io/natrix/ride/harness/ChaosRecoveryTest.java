package io.natrix.ride.harness;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Normal again" is judged on what riders got, after the fault's own action: error lines keep a fault
 * unrecovered even while lines keep flowing, and the fault's length is not part of the recovery time.
 */
class ChaosRecoveryTest {

    static final long MS = 1_000_000L;
    static final int RIDERS = 10;

    /** Samples every 250 ms for {@code seconds}, riders answered at {@code perSecond}, errors growing at {@code errorsPerSecond}. */
    static void feed(Chaos.Recovery recovery, long fromMs, int seconds, double answersPerSecond, double errorsPerSecond) {
        for (long t = fromMs; t <= fromMs + seconds * 1000L; t += 250) {
            double elapsed = (t - fromMs) / 1000.0;
            recovery.sample(t * MS, Math.round(elapsed * errorsPerSecond) + 1_000_000, Math.round(elapsed * answersPerSecond));
        }
    }

    @Test
    void aFaultWhoseRidersGetOnlyErrorLinesIsNeverNormalAgain() {
        Chaos.Recovery recovery = new Chaos.Recovery(RIDERS, 0);
        recovery.faultOver(1_000 * MS);
        feed(recovery, 0, 10, 0, RIDERS); // every poll an error line: no answer with drivers, errors growing
        assertThat(recovery.time()).isNull();
    }

    @Test
    void errorsWhileAnswersStillFlowAreNotNormalEither() {
        Chaos.Recovery recovery = new Chaos.Recovery(RIDERS, 0);
        recovery.faultOver(1_000 * MS);
        feed(recovery, 0, 10, RIDERS, 1);
        assertThat(recovery.time()).isNull();
    }

    @Test
    void recoveryIsCountedFromTheEndOfTheFaultsOwnAction() {
        Chaos.Recovery recovery = new Chaos.Recovery(RIDERS, 0);
        assertThat(recovery.faultOver(5_000 * MS)).isEqualTo(Duration.ofSeconds(5));
        feed(recovery, 0, 12, RIDERS, 0);
        assertThat(recovery.time()).isEqualTo(Duration.ZERO);
    }
}
