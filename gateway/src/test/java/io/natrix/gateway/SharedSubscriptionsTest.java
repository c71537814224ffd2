package io.natrix.gateway;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A stream's subscription that jnats cannot make now (its output queue full or busy under load, its dispatcher
 * closed) is answered 503 with Retry-After, which a client retries, instead of an internal error. (The gateway's
 * own pollers see jnats's exception: {@code SharedBetweenGatewaysTest}.)
 */
class SharedSubscriptionsTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @Test
    void aSubscriptionJnatsCannotMakeNowIsA503ToRetry() throws Exception {
        try (Connection connection = Nats.connect(nats.options().build())) {
            SharedSubscriptions subscriptions = new SharedSubscriptions(connection);
            subscriptions.unsubscribe(subscriptions.subscribe("stream.one", message -> { }));
            subscriptions.close(); // as when the gateway stops: jnats says "Dispatcher is closed"

            HttpProblem problem = catchThrowableOfType(HttpProblem.class,
                    () -> subscriptions.subscribeForClient("stream.two", message -> { }));
            assertThat(problem.status()).isEqualTo(503);
            assertThat(problem.retryAfterSeconds()).contains(1);
            assertThat(problem).hasMessageContaining("could not subscribe on NATS just now");
            assertThat(subscriptions.count()).as("nothing held").isZero();
        }
    }
}
