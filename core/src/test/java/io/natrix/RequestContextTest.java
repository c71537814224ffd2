package io.natrix;

import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RequestContextTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @Test
    void theRequestIdAndTraceContextTravelThroughNestedCallsAndEvents() {
        var seenByListener = new CopyOnWriteArrayList<String>();
        try (Natrix natrix = TestNatrix.connect(nats)) {
            natrix.service("dispatch").endpoint("Request", String.class, ride -> {
                natrix.publish("ms.rides.Requested", ride);
                return natrix.call("ms.geo.Nearby", ride, String.class, Duration.ofSeconds(1));
            }).start();
            natrix.service("geo").endpoint("Nearby", String.class, ride ->
                    RequestContext.current().flatMap(RequestContext::requestId).orElse("none") + " "
                            + RequestContext.current().flatMap(c -> c.header(RequestContext.TRACEPARENT)).orElse("none")
                            + " " + RequestContext.current().flatMap(c -> c.header("X-Secret")).orElse("not passed on"))
                    .start();
            natrix.service("audit").broadcastListener("ms.rides.Requested", String.class, ride ->
                    seenByListener.add(RequestContext.current().flatMap(RequestContext::requestId).orElse("none")))
                    .start();

            String answer = RequestContext.of(Map.of(RequestContext.REQUEST_ID, "r-42",
                            RequestContext.TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                            "X-Secret", "hop-only"))
                    .call(() -> natrix.call("ms.dispatch.Request", "ride-1", String.class, Duration.ofSeconds(2)));

            assertThat(answer).isEqualTo("r-42 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 not passed on");
            await().until(() -> seenByListener.size() == 1);
            assertThat(seenByListener).containsExactly("r-42");
            assertThat(RequestContext.current()).as("nothing leaks out of the scope").isEmpty();
            assertThat(natrix.call("ms.geo.Nearby", "ride-2", String.class, Duration.ofSeconds(1)))
                    .isEqualTo("none none not passed on");
        }
    }
}
