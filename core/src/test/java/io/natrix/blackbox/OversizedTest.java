package io.natrix.blackbox;

import io.natrix.Natrix;
import io.natrix.ServiceException;
import io.natrix.TestNatrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Payloads past the server's max_payload are refused with a message that names the sizes. */
class OversizedTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @Test
    void anOversizedRequestOrEventIsRefusedBeforeItIsSent() {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            natrix.service("files").endpoint("Put", byte[].class, bytes -> bytes.length).start();
            long max = natrix.nats().getMaxPayload();
            byte[] huge = new byte[(int) max + 1];
            assertThatThrownBy(() -> natrix.call("ms.files.Put", huge, Integer.class, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ms.files.Put").hasMessageContaining(String.valueOf(max + 1))
                    .hasMessageContaining("max_payload");
            assertThatThrownBy(() -> natrix.publish("ms.files.Uploaded", huge))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_payload");
            assertThat(natrix.call("ms.files.Put", new byte[10], Integer.class, Duration.ofSeconds(1))).isEqualTo(10);
        }
    }

    @Test
    void anOversizedReplyBecomesAClearErrorAndTheServiceLivesOn() {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            long max = natrix.nats().getMaxPayload();
            natrix.service("files").endpoint("Get", Integer.class, size -> new byte[size]).start();
            assertThatThrownBy(() -> natrix.call("ms.files.Get", (int) max + 1, byte[].class, Duration.ofSeconds(2)))
                    .isInstanceOfSatisfying(ServiceException.class, e -> {
                        assertThat(e.code()).isEqualTo(500);
                        assertThat(e.getMessage()).contains("the reply of files.Get is " + (max + 1) + " bytes").contains("max_payload");
                    });
            assertThat(natrix.call("ms.files.Get", 3, byte[].class, Duration.ofSeconds(1))).hasSize(3);
        }
    }
}
