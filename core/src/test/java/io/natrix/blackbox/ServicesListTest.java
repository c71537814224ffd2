package io.natrix.blackbox;

import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.TestNatrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

class ServicesListTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @Test
    void aConnectionListsItsServicesFromStartUntilClose() {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            assertThat(natrix.services()).isEmpty();
            Service users = natrix.service("users").version("1.0.0").endpoint("GetUser", String.class, id -> id).start();
            Service geo = natrix.service("geo").version("1.0.0").endpoint("Nearby", String.class, at -> at).start();

            assertThat(natrix.services()).extracting(Service::id).containsExactly(users.id(), geo.id());

            users.close();
            assertThat(natrix.services()).extracting(Service::id).containsExactly(geo.id());
        }
    }
}
