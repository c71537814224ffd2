package io.natrix.ride.eta;

import io.natrix.CallTimeoutException;
import io.natrix.Natrix;
import io.natrix.ride.eta.EtaMessages.Candidate;
import io.natrix.ride.eta.EtaMessages.Eta;
import io.natrix.ride.eta.EtaMessages.EtaRequest;
import io.natrix.ride.eta.EtaMessages.Etas;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EtaServiceTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    static final long NOON = ZonedDateTime.of(2026, 11, 24, 12, 0, 0, 0, ZoneId.of("Asia/Jerusalem")).toInstant().toEpochMilli();
    static final EtaRequest REQUEST = new EtaRequest(32.0853, 34.7818, List.of(
            new Candidate("far", 32.1093, 34.8555), new Candidate("near", 32.0870, 34.7830)), NOON);

    /** A connection to this class's server, as its admin. */
    private static Natrix connect() {
        return Natrix.builder().servers(nats.url()).credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
    }

    @Test
    void theQuickEstimateWinsWhenTheCarefulOneIsLate() {
        try (Natrix natrix = connect()) {
            EtaService.startQuick(natrix);
            EtaService.startCareful(natrix, Duration.ofMillis(500));
            long started = System.nanoTime();
            Etas etas = EtaService.estimate(natrix, REQUEST, Duration.ofMillis(300));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(300));
            assertThat(etas.estimator()).isEqualTo("quick");
            assertThat(etas.etas()).extracting(Eta::driverId).containsExactly("near", "far");
        }
    }

    @Test
    void theCarefulEstimateIsUsedWhenItAnswersFirst() {
        try (Natrix natrix = connect()) {
            EtaService.startCareful(natrix, Duration.ZERO);
            Etas etas = EtaService.estimate(natrix, REQUEST, Duration.ofMillis(500));
            assertThat(etas.estimator()).isEqualTo("careful"); // the quick service is not running
            assertThat(etas.etas().getLast().meters()).as("grid distance exceeds the straight line")
                    .isGreaterThan(Math.round(EtaModel.straightMeters(32.1093, 34.8555, 32.0853, 34.7818)));
            assertThatThrownBy(() -> EtaService.estimate(natrix, new EtaRequest(0, 0, null, NOON), Duration.ofMillis(500)))
                    .hasMessageContaining("candidates must be");
        }
    }

    @Test
    void bothLateTimesOutCleanly() {
        try (Natrix natrix = connect()) {
            EtaService.startCareful(natrix, Duration.ofSeconds(2));
            assertThatThrownBy(() -> EtaService.estimate(natrix, REQUEST, Duration.ofMillis(200)))
                    .isInstanceOf(CallTimeoutException.class);
        }
    }

    @Test
    void rushHourIsSlowerThanNight() {
        long rush = ZonedDateTime.of(2026, 11, 24, 8, 0, 0, 0, ZoneId.of("Asia/Jerusalem")).toInstant().toEpochMilli();
        long night = ZonedDateTime.of(2026, 11, 24, 2, 0, 0, 0, ZoneId.of("Asia/Jerusalem")).toInstant().toEpochMilli();
        EtaRequest atRush = new EtaRequest(32.0853, 34.7818, List.of(new Candidate("d", 32.1093, 34.8555)), rush);
        EtaRequest atNight = new EtaRequest(32.0853, 34.7818, List.of(new Candidate("d", 32.1093, 34.8555)), night);
        assertThat(EtaModel.QUICK.estimate(atRush).getFirst().seconds())
                .isGreaterThan(2 * EtaModel.QUICK.estimate(atNight).getFirst().seconds() - 60);
    }
}
