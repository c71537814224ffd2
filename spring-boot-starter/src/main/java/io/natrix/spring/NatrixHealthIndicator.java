package io.natrix.spring;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** The {@code natrix} health component on Spring Boot 4: {@link NatrixHealth}'s reading. */
final class NatrixHealthIndicator extends AbstractHealthIndicator {

    private final NatrixHealth health;

    NatrixHealthIndicator(NatrixHealth health) {
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
