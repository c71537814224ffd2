package io.natrix.blackbox;

import io.natrix.spi.HopObserver;
import io.natrix.CallOptions;
import io.natrix.CallTimeoutException;
import io.natrix.ConnectionException;
import io.natrix.Natrix;
import io.natrix.NoRespondersException;
import io.natrix.ServiceException;
import io.natrix.TestNatrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallFailuresTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    record GetUser(String id) {
    }

    record User(String id, String name) {
    }

    /** A request that states its own rule. */
    record Age(int years) {
        Age {
            if (years < 0 || years > 150) {
                throw new IllegalArgumentException("years must be from 0 to 150, got " + years);
            }
        }
    }

    static Natrix natrix;
    static final CountDownLatch release = new CountDownLatch(1);

    @BeforeAll
    static void startUsers() {
        natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).drainTimeout(Duration.ofSeconds(1)).connect();
        natrix.service("users").version("1.0.0")
                .endpoint("GetUser", GetUser.class, request -> switch (request.id()) {
                    case "missing" -> throw new ServiceException(404, "no user 'missing'");
                    case "zurich" -> throw new ServiceException(422, "Zürich:\nnot served");
                    case "bug" -> throw new IllegalStateException("secret detail at com.example.Repo.find");
                    case "slow" -> {
                        release.await();
                        yield new User("slow", "Slow");
                    }
                    default -> new User(request.id(), "Ada");
                })
                .endpoint("Age", Age.class, age -> age)
                .start();
    }

    @AfterAll
    static void stop() {
        release.countDown();
        natrix.close();
    }

    @Test
    void noRespondersFailsFastNotAfterTheTimeout() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> natrix.call("ms.nobody.Home", new GetUser("1"), User.class, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(NoRespondersException.class, e -> {
                    assertThat(e.subject()).hasValue("ms.nobody.Home");
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("ms.nobody.Home");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aSlowHandlerProducesTheTimeoutErrorNamingSubjectAndBudget() {
        assertThatThrownBy(() -> natrix.call("ms.users.GetUser", new GetUser("slow"), User.class, Duration.ofMillis(200)))
                .isInstanceOfSatisfying(CallTimeoutException.class, e -> {
                    assertThat(e.timeout()).isEqualTo(Duration.ofMillis(200));
                    assertThat(e.waited()).isGreaterThanOrEqualTo(Duration.ofMillis(200));
                    assertThat(e.getMessage()).contains("ms.users.GetUser").contains("200 ms");
                });
    }

    @Test
    void aServiceExceptionArrivesWithItsCodeAndMessage() {
        assertThatThrownBy(() -> natrix.call("ms.users.GetUser", new GetUser("missing"), User.class, Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.code()).isEqualTo(404);
                    assertThat(e.getMessage()).isEqualTo("no user 'missing'");
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void anUnexpectedExceptionBecomes500WithoutLeakingDetails() {
        assertThatThrownBy(() -> natrix.call("ms.users.GetUser", new GetUser("bug"), User.class, Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.getMessage()).contains("internal error in users.GetUser")
                            .doesNotContain("secret").doesNotContain("com.example").doesNotContain("\tat ");
                });
    }

    @Test
    void malformedJsonGets400AndTheServiceLivesOn() {
        byte[] garbage = "{\"id\": ".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> natrix.call("ms.users.GetUser", garbage, User.class, Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("malformed JSON for GetUser");
                });
        assertThat(natrix.call("ms.users.GetUser", new GetUser("7"), User.class, Duration.ofSeconds(2)))
                .isEqualTo(new User("7", "Ada"));
    }

    @Test
    void aRecordsOwnRuleIsThe400AndAFieldOfTheWrongKindIsNamed() {
        assertThatThrownBy(() -> natrix.call("ms.users.Age", "{\"years\":-1}".getBytes(StandardCharsets.UTF_8), Age.class,
                Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("invalid Age: years must be from 0 to 150, got -1");
                });
        assertThatThrownBy(() -> natrix.call("ms.users.Age", "{\"years\":\"old\"}".getBytes(StandardCharsets.UTF_8), Age.class,
                Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).startsWith("malformed JSON for Age at years: ");
                });
        assertThat(natrix.call("ms.users.Age", new Age(40), Age.class, Duration.ofSeconds(2))).isEqualTo(new Age(40));
    }

    @Test
    void aReplyOfTheWrongShapeIsReportedAsABadReply() {
        assertThatThrownBy(() -> natrix.call("ms.users.GetUser", new GetUser("7"), Integer.class, Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(502));
    }

    @Test
    void callsOnAClosedConnectionFailWithAConnectionError() {
        Natrix closed = TestNatrix.connect(nats);
        closed.close();
        assertThatThrownBy(() -> closed.call("ms.users.GetUser", new GetUser("1"), User.class, Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(ConnectionException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("CLOSED");
        assertThatThrownBy(() -> closed.publish("ms.geo.UpdatePoint", "x")).isInstanceOf(ConnectionException.class);
        // nothing was sent, and nothing can be: even an idempotent call with retries makes one attempt
        List<String> notes = new CopyOnWriteArrayList<>();
        List<String> ended = new CopyOnWriteArrayList<>();
        closed.observe(hop -> new HopObserver.Scope() {
            @Override
            public void note(String event) {
                notes.add(event);
            }

            @Override
            public void end(int code, String message) {
                ended.add(code + " " + message);
            }
        });
        assertThatThrownBy(() -> closed.call("ms.users.GetUser", new GetUser("1"), User.class,
                CallOptions.timeout(Duration.ofSeconds(5)).idempotent().retries(5)))
                .isInstanceOf(ConnectionException.class).hasMessageContaining("CLOSED");
        assertThat(ended).as("the observer saw the call end").singleElement().asString().startsWith("503 ").contains("CLOSED");
        assertThat(notes).as("retries noted").isEmpty();
    }

    @Test
    void connectingToNothingSaysWhatToCheck() {
        assertThatThrownBy(() -> Natrix.builder().servers("nats://127.0.0.1:1").shutdownHook(false)
                .natsOptions(o -> o.connectionTimeout(Duration.ofMillis(500))).connect())
                .isInstanceOf(ConnectionException.class).hasMessageContaining("is nats-server running");
    }

    @Test
    void anErrorMessageThatAHeaderCannotCarryArrivesAsOneLineOfAscii() {
        // NATS headers are printable ASCII (jnats's Headers refuse such a value, so no error reply could be built):
        // the code arrives whole, the words as near as a header carries them
        assertThatThrownBy(() -> natrix.call("ms.users.GetUser", new GetUser("zurich"), User.class, Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("Z?rich: not served");
                });
    }
}
