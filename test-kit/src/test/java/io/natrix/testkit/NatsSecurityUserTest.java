package io.natrix.testkit;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A user's permissions are refused when nats-server 2.9 would make them slow. */
class NatsSecurityUserTest {

    @Test
    void aUserThatAnswersRequestsMayNotAlsoPublishOnReplySubjects() {
        for (List<String> publish : List.of(List.of(">"), List.of("ms.users.*", "_INBOX.>"), List.of("_INBOX_gateway.>"))) {
            assertThatThrownBy(() -> NatsSecurity.User.allowing(publish, List.of("ms.users.* users")))
                    .as("publish %s", publish)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("may not also publish on reply subjects");
        }
        assertThat(NatsSecurity.User.allowing(List.of("ms.geo.Nearby"), List.of("ms.users.* users")).answers()).isTrue();
        assertThat(NatsSecurity.User.admin().everything()).as("the admin has no lists to check").isTrue();
    }
}
