package io.natrix.blackbox;

import io.natrix.EndpointOptions;
import io.natrix.Natrix;
import io.natrix.TestNatrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A non-blocking endpoint is served where its request is read, until it breaks its word. */
class NonBlockingEndpointTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    /** Which thread served the request: the connection's reader (a platform thread) or a virtual thread. */
    static String where(String mode) throws InterruptedException {
        if (mode.equals("slow")) {
            Thread.sleep(20); // over the 10 ms a non-blocking handler may take
        }
        return Thread.currentThread().isVirtual() ? "virtual thread" : "reader thread";
    }

    static String call(Natrix caller, String subject, String mode) {
        return caller.call(subject, mode, String.class, Duration.ofSeconds(2));
    }

    @Test
    void itIsServedOnTheReaderThreadUntilThreeRequestsTakeItTooLongThenOnVirtualThreads() {
        try (Natrix service = TestNatrix.connect(nats); Natrix caller = TestNatrix.connect(nats)) {
            io.natrix.Service where = service.service("where").endpoint("Inline", String.class, NonBlockingEndpointTest::where,
                            EndpointOptions.defaults().nonBlocking())
                    .endpoint("Plain", String.class, NonBlockingEndpointTest::where).start();

            assertThat(call(caller, "ms.where.Plain", "fast")).isEqualTo("virtual thread");
            assertThat(call(caller, "ms.where.Inline", "fast")).isEqualTo("reader thread");
            for (int i = 0; i < 3; i++) {
                assertThat(call(caller, "ms.where.Inline", "slow")).as("slow request " + i).isEqualTo("reader thread");
            }
            assertThat(call(caller, "ms.where.Inline", "fast")).as("moved after three slow requests").isEqualTo("virtual thread");
            assertThat(where.snapshot().endpoints()).filteredOn(e -> e.name().equals("Inline"))
                    .singleElement().satisfies(stats -> {
                        assertThat(stats.requests()).isEqualTo(5);
                        assertThat(stats.errors()).isZero();
                    });
        }
    }
}
