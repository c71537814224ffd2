package io.natrix.blackbox;

import io.natrix.EndpointOptions;
import io.natrix.Natrix;
import io.natrix.ServiceException;
import io.natrix.TestNatrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GatherTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @Test
    void gatherCollectsEveryInstanceAnswerWithinTheWindow() {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            for (int i = 0; i < 3; i++) {
                String name = "cache-" + i;
                natrix.service("cache")
                        .endpoint("Size", String.class, any -> name, EndpointOptions.defaults().everyInstance())
                        .start();
            }
            natrix.service("cache-broken")
                    .endpoint("Size", String.class, any -> { throw new ServiceException(500, "disk gone"); },
                            EndpointOptions.defaults().subject("ms.cache.Size").everyInstance())
                    .start();

            List<String> answers = natrix.gather("ms.cache.Size", "", String.class, Duration.ofMillis(300));
            assertThat(answers).containsExactlyInAnyOrder("cache-0", "cache-1", "cache-2");
        }
    }

    @Test
    void gatherWithNobodyListeningIsAnEmptyList() {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            assertThat(natrix.gather("ms.nobody.Size", "", String.class, Duration.ofMillis(100))).isEmpty();
        }
    }
}
