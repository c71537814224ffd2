package io.natrix.spring;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The {@code natrix} health component on Spring Boot 3, whose actuator has the health types in another package
 * than Boot 4's: {@link NatrixHealth}'s reading.
 */
final class Boot3HealthIndicator extends AbstractHealthIndicator {

    private final NatrixHealth health;

    Boot3HealthIndicator(NatrixHealth health) {
        super("NATS health check failed");
        this.health = health;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        NatrixHealth.Reading reading = health.read();
        builder.withDetails(reading.details());
        if (reading.up()) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
