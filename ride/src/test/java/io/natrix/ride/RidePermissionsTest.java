package io.natrix.ride;

import io.nats.client.api.StreamConfiguration;
import io.natrix.JetStreamDefaults;
import io.natrix.Natrix;
import io.natrix.gateway.TokenKeys;
import io.natrix.gateway.Gateway;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.ride.sim.Simulator;
import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerProcess;
import io.natrix.tracing.NatrixTracing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The ride system on a secured nats-server, every role connected as its own user with the permissions of
 * {@link RidePermissions}: simulated riders and drivers complete rides through the gateway, and no connection is
 * refused anything (0 permission violations each), so the table allows what the system does; what a role must
 * not do is refused and counted.
 */
class RidePermissionsTest {

    @TempDir
    Path dir;

    @Test
    void theWholeSystemRunsOnItsOwnPermissionsWithoutAViolation() throws Exception {
        NatsSecurity security = NatsSecurity.generate(dir, RidePermissions.users());
        RideTokens tokens = RideTokens.of(TokenKeys.reuse(dir.resolve("tokens"))); // and HTTP callers need tokens
        NatsServerProcess server = NatsServerProcess.start(1, true, 0, security).getFirst();
        Map<RideRole, Natrix> connections = new LinkedHashMap<>();
        List<AutoCloseable> started = new ArrayList<>();
        try (Natrix admin = Natrix.builder().servers(server.url()).shutdownHook(false).credentials(security.seed(NatsSecurity.ADMIN))
                .trust(security.ca()).connect()) {
            RideStorage.provision(admin.nats(), 1); // as the demo does: no service may create a stream
            for (RideRole role : RideRole.values()) {
                connections.put(role, Natrix.builder().servers(server.url()).connectionName(role.label()).shutdownHook(false)
                        .drainTimeout(Duration.ofSeconds(2)).credentials(security.seed(role.label())).trust(security.ca())
                        .inboxPrefix(RidePermissions.inboxPrefix(role)).connect());
                // traced as ServiceMain traces every instance: each answers for its recent traces
                started.add(NatrixTracing.builder(connections.get(role)).serviceName(role.label()).install());
            }
            DispatchConfig config = DispatchConfig.defaults().matchingWindow(Duration.ofSeconds(10));
            for (RideRole role : RideRole.values()) {
                started.add(role.start(connections.get(role), config, 0, tokens));
            }
            Gateway gateway = (Gateway) started.getLast();
            Simulator.Options options = new Simulator.Options(List.of("http://127.0.0.1:" + gateway.port()), 20, 6, 1.0, 1_500,
                    Duration.ofSeconds(15)); // drivers cross the city in seconds: rides complete in the run
            try (Simulator simulator = new Simulator(options)) {
                simulator.awaitReady(Duration.ofSeconds(60));
                simulator.start();
                simulator.report(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
                System.out.println(simulator.summary());
                assertThat(simulator.ridesCompleted()).as("rides completed on the secured system").isPositive();
                assertThat(simulator.errors()).as(simulator.summary()).isZero();
            }
            Map<String, Long> violations = new LinkedHashMap<>();
            connections.forEach((role, natrix) -> violations.put(role.label(), natrix.permissionViolations()));
            assertThat(violations).as("permission violations by role").allSatisfy((role, count) -> assertThat(count).isZero());

            // and what a role must not do is refused, counted, and without effect: the rides are all still there
            var management = admin.nats().jetStreamManagement(JetStreamDefaults.jetStream());
            var before = management.getStreamInfo(RideStorage.RIDES).getStreamState();
            Natrix geo = connections.get(RideRole.GEO);
            geo.publish("ms.rides.forged", Map.of("type", "CANCELLED"));
            Natrix gateway2 = connections.get(RideRole.GATEWAY);
            gateway2.publish("$JS.API.STREAM.DELETE.RIDES", new byte[0]);
            Natrix dispatch = connections.get(RideRole.DISPATCH);
            long refusedAt = System.nanoTime();
            assertThatThrownBy(() -> dispatch.nats().jetStreamManagement(JetStreamDefaults.jetStream()).purgeStream(RideStorage.RIDES))
                    .as("the service that owns the stream may not purge it").isInstanceOf(Exception.class);
            // a JetStream request nobody answers gives up after JetStream's 2 s, not the TLS connect timeout (25 s)
            assertThat(Duration.ofNanos(System.nanoTime() - refusedAt)).isLessThan(Duration.ofSeconds(12));
            Natrix users = connections.get(RideRole.USERS);
            assertThatThrownBy(() -> users.nats().jetStreamManagement(JetStreamDefaults.jetStream()).addStream(StreamConfiguration.builder()
                    .name("HOARD").subjects("ms.users.hoard.>").build()))
                    .as("no service creates a stream").isInstanceOf(Exception.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> geo.permissionViolations() == 1 && gateway2.permissionViolations() == 1
                    && dispatch.permissionViolations() == 1 && users.permissionViolations() == 1);
            // the system still runs (a ride the simulator left midway may still add events): none may have gone
            var after = management.getStreamInfo(RideStorage.RIDES).getStreamState();
            assertThat(after.getFirstSequence()).as("no ride event removed from the stream's start").isEqualTo(before.getFirstSequence());
            assertThat(after.getMsgCount()).as("every ride event still stored").isGreaterThanOrEqualTo(before.getMsgCount());

            // and nothing the system stores is unbounded: every stream and bucket has a size and a message limit
            var streams = management.getStreams();
            assertThat(streams).extracting(info -> info.getConfiguration().getName())
                    .containsExactlyInAnyOrderElementsOf(RideStorage.streams());
            assertThat(streams).allSatisfy(info -> {
                assertThat(info.getConfiguration().getMaxBytes()).as(info.getConfiguration().getName() + " bytes").isPositive();
                assertThat(info.getConfiguration().getMaximumMessageSize()).as(info.getConfiguration().getName() + " message").isPositive();
            });
        } finally {
            for (AutoCloseable part : started.reversed()) {
                part.close();
            }
            connections.values().forEach(Natrix::close);
            server.stop();
        }
    }
}
