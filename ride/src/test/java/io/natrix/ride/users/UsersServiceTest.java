package io.natrix.ride.users;

import io.natrix.Natrix;
import io.natrix.ride.Provision;
import io.natrix.ServiceException;
import io.natrix.ride.users.UserMessages.CreateUser;
import io.natrix.ride.users.UserMessages.GetUser;
import io.natrix.ride.users.UserMessages.Role;
import io.natrix.ride.users.UserMessages.UpdateUser;
import io.natrix.ride.users.UserMessages.User;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UsersServiceTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    @BeforeAll
    static void provision() {
        Provision.storage(nats, 1);
    }

    static Natrix connect() {
        return Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
    }

    static User call(Natrix natrix, String endpoint, Object request) {
        return natrix.call("ms.users." + endpoint, request, User.class, Duration.ofSeconds(3));
    }

    @Test
    void usersAreCreatedReadAndUpdatedAndSurviveARestartOfEveryInstance() {
        User ada;
        try (Natrix service = connect(); Natrix client = connect()) {
            UsersService.start(service);
            ada = call(client, "CreateUser", new CreateUser(Role.RIDER, " Ada ", "+972 50 123 4567"));
            assertThat(ada.name()).isEqualTo("Ada");
            assertThat(call(client, "GetUser", new GetUser(ada.id()))).isEqualTo(ada);
            User renamed = call(client, "UpdateUser", new UpdateUser(ada.id(), "Ada Lovelace", null));
            assertThat(renamed.name()).isEqualTo("Ada Lovelace");
            assertThat(renamed.phone()).isEqualTo("+972 50 123 4567");
            assertThat(renamed.revision()).isGreaterThan(ada.revision());
        }
        try (Natrix restarted = connect(); Natrix client = connect()) {
            UsersService.start(restarted);
            assertThat(call(client, "GetUser", new GetUser(ada.id())).name()).isEqualTo("Ada Lovelace");
        }
    }

    @Test
    void badInputGetsClearCodes() {
        try (Natrix service = connect(); Natrix client = connect()) {
            UsersService.start(service);
            assertThatThrownBy(() -> call(client, "GetUser", new GetUser("nobody")))
                    .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(404));
            assertThatThrownBy(() -> call(client, "GetUser", new GetUser("a.b")))
                    .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(400));
            assertThatThrownBy(() -> call(client, "CreateUser", new CreateUser(null, "X", "123456")))
                    .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(400));
            assertThatThrownBy(() -> call(client, "CreateUser", new CreateUser(Role.DRIVER, "", "123456")))
                    .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(400));
            assertThatThrownBy(() -> call(client, "CreateUser", new CreateUser(Role.DRIVER, "Bo", "call me")))
                    .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.getMessage()).contains("phone"));
        }
    }

    @Test
    void concurrentUpdatesOnTwoInstancesAreAllApplied() throws Exception {
        try (Natrix one = connect(); Natrix two = connect(); Natrix client = connect();
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            UsersService.start(one);
            UsersService.start(two);
            User driver = call(client, "CreateUser", new CreateUser(Role.DRIVER, "Grace", "050-1234567"));
            List<Future<User>> updates = IntStream.range(0, 4)
                    .mapToObj(i -> threads.submit(() -> call(client, "UpdateUser", new UpdateUser(driver.id(), "Grace " + i, null))))
                    .toList();
            for (Future<User> update : updates) {
                assertThat(update.get().name()).startsWith("Grace ");
            }
            assertThat(call(client, "GetUser", new GetUser(driver.id())).revision())
                    .as("four updates, each on the revision it read").isEqualTo(driver.revision() + 4);
        }
    }
}
