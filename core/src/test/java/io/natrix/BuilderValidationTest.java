package io.natrix;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Mistakes in configuration are caught where they are made, with a message that says what is allowed. */
class BuilderValidationTest {

    @Test
    void namesVersionsAndBoundsAreValidated() {
        assertThatThrownBy(() -> new Service.Builder(null, "users.v1")).hasMessageContaining("letters, digits");
        Service.Builder users = new Service.Builder(null, "users");
        assertThatThrownBy(() -> users.version("1.0")).hasMessageContaining("semantic");
        assertThat(users.version("1.0.0-rc.1").version).isEqualTo("1.0.0-rc.1");
        assertThatThrownBy(() -> users.endpoint("Get User", String.class, s -> s)).hasMessageContaining("endpoint name");
        users.endpoint("GetUser", String.class, s -> s);
        assertThatThrownBy(() -> users.endpoint("GetUser", String.class, s -> s)).hasMessageContaining("already has");
        assertThatThrownBy(() -> EndpointOptions.defaults().maxInFlight(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> EndpointOptions.defaults().subject("a b")).hasMessageContaining("not a valid subject");
        assertThatThrownBy(() -> new Service.Builder(null, "empty").start()).hasMessageContaining("no endpoints");
        assertThatThrownBy(() -> Natrix.builder().defaultTimeout(Duration.ZERO)).hasMessageContaining("positive");
        assertThatThrownBy(() -> new ServiceException(200, "fine")).hasMessageContaining("400 to 599");
    }

    @Test
    void retryableFollowsTheCode() {
        assertThat(new ServiceException(503, "later").retryable()).isTrue();
        assertThat(new ServiceException(404, "never").retryable()).isFalse();
        assertThat(new NoRespondersException("ms.x.Y").retryable()).isTrue();
        assertThat(new CallTimeoutException("ms.x.Y", Duration.ofSeconds(1), Duration.ofSeconds(1)).retryable()).isTrue();
    }
}
