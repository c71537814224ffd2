package io.natrix.examples;

import io.natrix.Natrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ExamplesTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    /** A connection to this class's server, as its admin. */
    private static Natrix connect() {
        return Natrix.builder().servers(nats.url()).credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
    }

    @Test
    void theCallerGetsTypedRepliesAndTypedErrorsFromTheUsersService() {
        try (Natrix natrix = connect()) {
            assertThat(UsersCaller.lookUp(natrix, "1")).containsExactly("1: no instance is serving 'ms.users.GetUser': is the service running?");
            UsersService.start(natrix, "a");
            assertThat(UsersCaller.lookUp(natrix, "1", "42"))
                    .containsExactly("1 is Ada (served by a)", "42: 404 no user with id 42");
        }
    }

    @Test
    void aTraceShowsWhichHopASlowRequestSpentItsTimeIn() {
        try (Natrix natrix = connect();
             var tracing = io.natrix.tracing.NatrixTracing.builder(natrix).serviceName("examples").install()) {
            var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                    io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);

            String trace = TracedUsers.slowCallExplained(natrix, registry);

            assertThat(trace).contains("4 spans", "ms.profiles.GetProfile", "ms.rides.Count")
                    .contains("most time of its own: rides SERVE ms.rides.Count");
            assertThat(registry.scrape()).contains("natrix_endpoint_latency_seconds_count{endpoint=\"Count\"");
        }
    }

    @Test
    void aTypedContractIsTheServicesWireApi() {
        try (Natrix natrix = connect()) {
            TypedFares.start(natrix);
            assertThat(TypedFares.quoteAndReceipt(natrix, 7.5))
                    .isEqualTo("7.5 km: 11.50 (asked on [ms.fares.Quote, billing.receipts.Issue])");
            assertThat(natrix.call("billing.receipts.Issue", new TypedFares.Fare(1, 370), String.class, Duration.ofSeconds(1)))
                    .isEqualTo("1.0 km: 3.70");
            assertThatThrownBy(() -> natrix.proxy(TypedFares.FaresApi.class).quote(new TypedFares.Quote(0)))
                    .isInstanceOfSatisfying(io.natrix.ServiceException.class, e -> assertThat(e.code()).isEqualTo(400));
        }
    }

    @Test
    void everyGeoInstanceHearsEveryPoint() {
        try (Natrix natrix = connect()) {
            List<GeoBroadcast.Point> first = GeoBroadcast.listen(natrix);
            List<GeoBroadcast.Point> second = GeoBroadcast.listen(natrix);
            natrix.publish("ms.geo.UpdatePoint", new GeoBroadcast.Point("d1", 32.1, 34.8));
            await().until(() -> first.size() == 1 && second.size() == 1);
            assertThat(first).isEqualTo(second);
        }
    }

    @Test
    void theFastestEstimateIsTheQuickOne() {
        try (Natrix natrix = connect()) {
            FastestEta.startEstimator(natrix, "quick", Duration.ofMillis(5));
            FastestEta.startEstimator(natrix, "careful", Duration.ofMillis(300));
            FastestEta.Eta eta = FastestEta.estimate(natrix, new FastestEta.Trip(32.0853, 34.7818, 32.1093, 34.8555));
            assertThat(eta.estimator()).isEqualTo("quick");
            assertThat(eta.seconds()).isBetween(900L, 1100L);
        }
    }

    @Test
    void theMainMethodsRunAgainstARealServer() {
        String[] secured = {nats.url(), nats.seed().toString(), nats.ca().toString()};
        String out = captured(() -> {
            GeoBroadcast.main(secured);
            FastestEta.main(secured);
            UsersCaller.main(secured);
            DurableFares.main(secured);
            TypedFares.main(secured);
        });
        assertThat(out).contains("first instance heard [Point[driverId=driver-7")
                .contains("Eta[estimator=quick")
                .contains("42: no instance is serving 'ms.users.GetUser'")
                .contains("stored: true").contains("stored again: false")
                .contains("charged: [Fare[rideId=r-1, cents=2350]]")
                .contains("quoted after retries: Quote[rideId=r-2]")
                .contains("7.5 km: 11.50 (asked on [ms.fares.Quote, billing.receipts.Issue])");
    }

    private static String captured(ThrowingRunnable body) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
