package io.natrix.ride.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.ride.dispatch.RideMessages.EventType;
import io.natrix.ride.dispatch.RideMessages.RideEvent;
import io.natrix.ride.geo.GeoMessages.DriverPosition;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's picture of the city, as the page gets it each second. */
class FleetTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void twentyThousandDriversFitInOneNatsMessage() throws Exception {
        Fleet fleet = new Fleet();
        for (int i = 0; i < 20_000; i++) {
            fleet.position(new DriverPosition(UUID.randomUUID().toString(), 32.03 + i * 1e-6, 34.74 + i * 1e-6, 0));
        }
        byte[] drivers = JSON.writeValueAsBytes(fleet.drivers());
        assertThat(drivers.length).as("NATS's default largest message is 1 MB, with room for the rest of a snapshot")
                .isLessThan(800_000);
    }

    @Test
    void aDriverIsANumberedArrayAndARiderNamesItsDriverByThatNumber() throws Exception {
        Fleet fleet = new Fleet();
        String driver = UUID.randomUUID().toString();
        fleet.position(new DriverPosition(driver, 32.0812345, 34.7812345, 0));
        fleet.ride(new RideEvent(EventType.ACCEPTED, "ride-1", "rider-1", driver, 32.09, 34.79, 60, System.currentTimeMillis()));
        JsonNode dots = JSON.valueToTree(fleet.drivers());
        assertThat(dots).hasSize(1);
        JsonNode dot = dots.get(0);
        assertThat(dot.isArray()).isTrue();
        assertThat(dot.get(1).asDouble()).isEqualTo(32.08123);
        assertThat(dot.get(2).asDouble()).isEqualTo(34.78123);
        assertThat(dot.get(3).asText()).as("on a ride").isEqualTo("b");
        JsonNode rider = JSON.valueToTree(fleet.riders()).get(0);
        assertThat(rider.get("state").asText()).isEqualTo("pickup");
        assertThat(rider.get("driver").asInt()).isEqualTo(dot.get(0).asInt());
    }
}
