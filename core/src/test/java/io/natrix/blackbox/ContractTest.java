package io.natrix.blackbox;

import io.natrix.Contract;
import io.natrix.Natrix;
import io.natrix.NoRespondersException;
import io.natrix.ServiceException;
import io.natrix.TestNatrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContractTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    record GetUser(String id) {
    }

    record User(String id, String name) {
    }

    @Contract(service = "users")
    interface UsersApi {
        User getUser(GetUser request);

        @Contract.Endpoint("Forget")
        void deleteUser(GetUser request);

        default User getUserOrAnonymous(GetUser request) {
            try {
                return getUser(request);
            } catch (ServiceException e) {
                return new User(request.id(), "anonymous");
            }
        }
    }

    static final class Users implements UsersApi {
        @Override
        public User getUser(GetUser request) {
            if (request.id().equals("0")) {
                throw new ServiceException(404, "no user 0");
            }
            return new User(request.id(), "Ada");
        }

        @Override
        public void deleteUser(GetUser request) {
        }
    }

    @Test
    void aTypedClientCallsTheServiceThatImplementsTheContract() {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            natrix.service("users").implement(UsersApi.class, new Users()).start();
            UsersApi users = natrix.proxy(UsersApi.class);

            assertThat(users.getUser(new GetUser("1"))).isEqualTo(new User("1", "Ada"));
            assertThat(natrix.call("ms.users.GetUser", new GetUser("2"), User.class, Duration.ofSeconds(1)))
                    .as("the proxy uses the plain subjects").isEqualTo(new User("2", "Ada"));
            users.deleteUser(new GetUser("1"));
            assertThat(users.getUserOrAnonymous(new GetUser("0")).name()).isEqualTo("anonymous");
            assertThatThrownBy(() -> users.getUser(new GetUser("0")))
                    .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(404));
            assertThat(users.toString()).contains("UsersApi");
        }
    }

    record Estimate(int seconds) {
    }

    /** A contract whose endpoint is served on a subject of its own, not {@code ms.eta-quick.Quick}. */
    @Contract(service = "eta-quick")
    interface QuickEta {
        @Contract.Endpoint(value = "Quick", subject = "ms.eta.Quick")
        Estimate estimate(GetUser request);
    }

    @Test
    void aContractOwnsItsSubjectsAndServesAnEndpointOnTheSubjectItNames() {
        Contract.Subjects users = Contract.Subjects.of(UsersApi.class);
        assertThat(users.service()).isEqualTo("users");
        assertThat(users.of("GetUser")).isEqualTo("ms.users.GetUser");
        assertThat(users.all()).containsExactly("ms.users.Forget", "ms.users.GetUser");
        assertThatThrownBy(() -> users.of("getUser")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no endpoint 'getUser'").hasMessageContaining("[Forget, GetUser]");
        assertThat(Contract.Subjects.of(QuickEta.class).all()).containsExactly("ms.eta.Quick");

        try (Natrix natrix = TestNatrix.connect(nats)) {
            natrix.service("eta-quick").implement(QuickEta.class, request -> new Estimate(request.id().length())).start();
            assertThat(natrix.call("ms.eta.Quick", new GetUser("abc"), Estimate.class, Duration.ofSeconds(1)))
                    .isEqualTo(new Estimate(3));
            assertThat(natrix.proxy(QuickEta.class).estimate(new GetUser("ab"))).isEqualTo(new Estimate(2));
            assertThatThrownBy(() -> natrix.call("ms.eta-quick.Quick", new GetUser("a"), Estimate.class, Duration.ofSeconds(1)))
                    .as("nothing is served on the conventional subject").isInstanceOf(NoRespondersException.class);
        }
    }

    @Test
    void howEndpointsAreServedIsGivenBesideTheContractAndKeepsItsSubjects() {
        try (Natrix natrix = TestNatrix.connect(nats); Natrix caller = TestNatrix.connect(nats)) {
            QuickEta onWhichThread = request -> new Estimate(Thread.currentThread().isVirtual() ? 1 : 0);
            natrix.service("eta-quick").implement(QuickEta.class, onWhichThread,
                    java.util.Map.of("Quick", io.natrix.EndpointOptions.defaults().nonBlocking())).start();
            assertThat(caller.call("ms.eta.Quick", new GetUser("a"), Estimate.class, Duration.ofSeconds(1)))
                    .as("served non-blocking, where it was read, on the contract's subject").isEqualTo(new Estimate(0));

            assertThatThrownBy(() -> natrix.service("eta-quick").implement(QuickEta.class, onWhichThread,
                    java.util.Map.of("Slow", io.natrix.EndpointOptions.defaults())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Slow'").hasMessageContaining("[Quick]");
            assertThatThrownBy(() -> natrix.service("eta-quick").implement(QuickEta.class, onWhichThread,
                    java.util.Map.of("Quick", io.natrix.EndpointOptions.defaults().subject("ms.eta.Other"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serves Quick on 'ms.eta.Quick'");
            assertThatThrownBy(() -> natrix.service("eta-quick").implement(QuickEta.class, onWhichThread,
                    java.util.Map.of("Quick", io.natrix.EndpointOptions.defaults().subject("ms.eta.QuickAndDirty"))))
                    .as("a prefix of letters is not a shard").isInstanceOf(IllegalArgumentException.class);

            natrix.service("eta-quick").implement(QuickEta.class, onWhichThread,
                    java.util.Map.of("Quick", io.natrix.EndpointOptions.defaults().subject("ms.eta.Quick.north"))).start();
            assertThat(caller.call("ms.eta.Quick.north", new GetUser("a"), Estimate.class, Duration.ofSeconds(1)))
                    .as("a shard of the endpoint, under the contract's subject").isEqualTo(new Estimate(1));
        }
    }

    @Contract(service = "twice")
    interface Twice {
        @Contract.Endpoint("Get")
        User get(GetUser request);

        @Contract.Endpoint("Get")
        User fetch(GetUser request);
    }

    @Contract(service = "spaced")
    interface Spaced {
        @Contract.Endpoint(subject = "ms.a b")
        User get(GetUser request);
    }

    @Test
    void aContractThatNamesOneEndpointTwiceOrABadSubjectIsRefusedWhereItIsRead() {
        assertThatThrownBy(() -> Contract.Subjects.of(Twice.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names one endpoint twice");
        assertThatThrownBy(() -> Contract.Subjects.of(Spaced.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid subject: 'ms.a b'");
    }

    @Test
    void theProxyThrowsTypedErrorsWhenNoServiceRuns() {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            assertThatThrownBy(() -> natrix.proxy(UsersApi.class).getUser(new GetUser("1")))
                    .isInstanceOf(NoRespondersException.class);
        }
    }

    @Test
    void aContractMustNameItsServiceAndMatchTheBuilder() {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            assertThatThrownBy(() -> natrix.service("billing").implement(UsersApi.class, new Users()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'users'");
            assertThatThrownBy(() -> natrix.proxy(Runnable.class))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("@Contract");
        }
    }
}
