package io.natrix.gateway;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A route reaches one service subject, never NATS's own: system subjects ({@code $JS.API}, {@code $SRV}), reply
 * inboxes and wildcards are refused when the route is declared, in code or in a route file.
 */
class RouteSubjectTest {

    @Test
    void systemSubjectsInboxesAndWildcardsAreRefused() {
        for (String subject : List.of("$JS.API.STREAM.DELETE.RIDES", "$SRV.INFO", "_INBOX.abc", "_INBOX_dispatch.x")) {
            assertThatThrownBy(() -> Route.post("/v1/x", subject)).as(subject)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("system subject or a reply inbox");
        }
        for (String subject : List.of("ms.users.*", "ms.>", "ms..x", "ms.a b", "ms.users.", "ms.{id.x}")) {
            assertThatThrownBy(() -> Route.get("/v1/x", subject)).as(subject)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no wildcard");
        }
        assertThatThrownBy(() -> StreamRoute.subscribe("/v1/all", "ms.riders.>"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'>'");
        assertThatThrownBy(() -> StreamRoute.poll("/v1/srv", "$SRV.STATS", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serviceSubjectsWithPathParametersAreAccepted() {
        assertThat(Route.post("/v1/rides/{rideId}/cancel", "ms.dispatch.CancelRide").subject()).isEqualTo("ms.dispatch.CancelRide");
        assertThat(StreamRoute.subscribe("/v1/drivers/{driverId}/offers", "ms.drivers.{driverId}.offers").subject())
                .isEqualTo("ms.drivers.{driverId}.offers");
        assertThat(StreamRoute.publish("/v1/d/{driverId}/loc", "ms.geo.Update-Point_2.{driverId}").subject()).endsWith("{driverId}");
    }
}
