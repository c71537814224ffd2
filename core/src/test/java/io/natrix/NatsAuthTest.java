package io.natrix;

import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A secured nats-server (the test kit's: TLS only, nkey users with permissions): who may connect, and what each
 * user may do. Refused operations are counted by the connection ({@link Natrix#permissionViolations()}) and have
 * no effect.
 */
class NatsAuthTest {

    @TempDir
    static Path dir;

    static NatsSecurity security;
    static NatsServerProcess server;

    record GetUser(String id) {
    }

    @BeforeAll
    static void start() {
        security = NatsSecurity.generate(dir.resolve("secured"), Map.of(
                NatsSecurity.ADMIN, NatsSecurity.User.admin(),
                // a service: its endpoints in its queue group, its discovery subjects; answers by allow_responses
                "users", NatsSecurity.User.allowing(List.of(),
                        List.of("ms.users.* users", "$SRV.*", "$SRV.*.users", "$SRV.*.users.*", "_INBOX_users.>")),
                // a caller: one subject to call, replies on its own inbox prefix only
                "caller", NatsSecurity.User.allowing(List.of("ms.users.GetUser"), List.of("_INBOX_caller.>"))));
        server = NatsServerProcess.start(1, false, 0, security).getFirst();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static Natrix.Builder as(String user) {
        return Natrix.builder().servers(server.url()).shutdownHook(false).drainTimeout(Duration.ofSeconds(1))
                .credentials(security.seed(user)).trust(security.ca());
    }

    @Test
    void aUserWithItsSeedOverTlsDoesItsJobWithoutAViolation() {
        try (Natrix users = as("users").inboxPrefix("_INBOX_users").connect();
             Natrix caller = as("caller").inboxPrefix("_INBOX_caller").connect()) {
            users.service("users").endpoint("GetUser", GetUser.class, request -> Map.of("id", request.id())).start();
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() ->
                    caller.call("ms.users.GetUser", new GetUser("7"), Map.class, Duration.ofSeconds(1)).get("id").equals("7"));
            assertThat(server.url()).startsWith("tls://");
            assertThat(users.permissionViolations()).isZero();
            assertThat(caller.permissionViolations()).isZero();
        }
    }

    @Test
    void reusedCredentialsKeepTheirKeysAndCertificatesAndStillConnect(@TempDir Path home) throws Exception {
        Map<String, NatsSecurity.User> users = Map.of(NatsSecurity.ADMIN, NatsSecurity.User.admin(),
                "caller", NatsSecurity.User.allowing(List.of("ms.users.GetUser"), List.of("_INBOX_caller.>")));
        NatsSecurity first = NatsSecurity.reuse(home, users);
        String seed = java.nio.file.Files.readString(first.seed("caller"));
        String ca = java.nio.file.Files.readString(first.ca());
        NatsSecurity again = NatsSecurity.reuse(home, users);
        assertThat(java.nio.file.Files.readString(again.seed("caller"))).as("the seed kept").isEqualTo(seed);
        assertThat(java.nio.file.Files.readString(again.ca())).as("the authority kept").isEqualTo(ca);
        NatsServerProcess reused = NatsServerProcess.start(1, false, 0, again).getFirst();
        try (Natrix caller = Natrix.builder().servers(reused.url()).shutdownHook(false).credentials(first.seed("caller"))
                .trust(first.ca()).inboxPrefix("_INBOX_caller").connect()) {
            assertThat(caller.nats().getStatus()).as("credentials of the first start accepted by the second")
                    .isEqualTo(io.nats.client.Connection.Status.CONNECTED);
        } finally {
            reused.stop();
        }
        assertThat(java.nio.file.Files.readString(NatsSecurity.generate(home, users).ca())).as("generate starts afresh")
                .isNotEqualTo(ca);
    }

    @Test
    void anAnonymousAPlaintextAnUnknownAndAnUntrustingClientAreRefused() {
        // refused for its credentials: said so, at once (jnats alone waited out its 25 s connection timeout)
        assertThatThrownBy(() -> Natrix.builder().servers(server.url()).shutdownHook(false).trust(security.ca()).connect())
                .as("no credentials").isInstanceOf(ConnectionException.class)
                .hasMessageContaining("Authorization Violation").hasMessageContaining("check the seed");
        assertThatThrownBy(() -> Natrix.builder().servers(server.url().replace("tls://", "nats://")).shutdownHook(false)
                .credentials(security.seed("caller")).connect())
                .as("plaintext").isInstanceOf(ConnectionException.class);
        NatsSecurity stranger = NatsSecurity.generate(dir.resolve("stranger"), Map.of(NatsSecurity.ADMIN, NatsSecurity.User.admin()));
        assertThatThrownBy(() -> Natrix.builder().servers(server.url()).shutdownHook(false)
                .credentials(stranger.seed(NatsSecurity.ADMIN)).trust(security.ca()).connect())
                .as("a key the server does not know").isInstanceOf(ConnectionException.class)
                .hasMessageContaining("Authorization Violation").hasMessageContaining("check the seed");
        assertThatThrownBy(() -> Natrix.builder().servers(server.url()).shutdownHook(false)
                .credentials(security.seed("caller")).trust(stranger.ca()).connect())
                .as("a server certificate from an authority the client does not trust").isInstanceOf(ConnectionException.class);
    }

    @Test
    void aServerWhoseCertificateDoesNotNameTheHostIsRefused(@TempDir Path elsewhere) {
        // signed by the trusted authority, but for another host: a stolen certificate must not pass for this one
        NatsSecurity misnamed = NatsSecurity.generate(elsewhere, Map.of(NatsSecurity.ADMIN, NatsSecurity.User.admin()),
                List.of("dns:nats.example.org"));
        NatsServerProcess other = NatsServerProcess.start(1, false, 0, misnamed).getFirst();
        try {
            assertThatThrownBy(() -> Natrix.builder().servers(other.url()).shutdownHook(false)
                    .credentials(misnamed.seed(NatsSecurity.ADMIN)).trust(misnamed.ca()).connect())
                    .isInstanceOf(ConnectionException.class);
        } finally {
            other.stop();
        }
    }

    @Test
    void whatAUserMayNotDoIsRefusedCountedAndWithoutEffect() {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Natrix admin = as(NatsSecurity.ADMIN).connect();
             Natrix caller = as("caller").inboxPrefix("_INBOX_caller").connect();
             Natrix users = as("users").inboxPrefix("_INBOX_users").connect()) {
            admin.service("audit").broadcastListener("ms.users.Forget", byte[].class, event -> seen.add("forget"))
                    .broadcastListener("ms.rides.>", byte[].class, event -> seen.add("ride")).start();
            admin.nats().flush(Duration.ofSeconds(1));

            caller.publish("ms.users.Forget", Map.of("id", "7"));       // not its subject
            users.publish("ms.rides.r1", Map.of("status", "CANCELLED")); // a service publishing what it must not
            // a copy of every request: a plain subscription where only the queue group is allowed
            users.nats().createDispatcher(message -> seen.add("copy")).subscribe("ms.users.GetUser");

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(caller.permissionViolations()).isEqualTo(1);
                assertThat(users.permissionViolations()).isEqualTo(2);
            });
            admin.publish("ms.users.GetUser", Map.of("id", "1")); // would reach the copy, were it allowed
            admin.publish("ms.users.Forget", Map.of("id", "control")); // the admin may: the listener works
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("forget"));
            assertThat(seen).as("nothing refused reached anyone").containsExactly("forget");
            assertThat(admin.permissionViolations()).isZero();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
