package io.natrix.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.metrics.NatrixMetrics;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Puts Natrix's meters into the application's Micrometer registry (the one actuator makes, or the application's
 * own): the connection, the timers and errors by code of every hop, and each service's endpoints and listeners.
 * Nothing without a registry.
 */
final class NatrixMeters implements ServicesHook {

    private final ObjectProvider<MeterRegistry> registries;

    NatrixMeters(ObjectProvider<MeterRegistry> registries) {
        this.registries = registries;
    }

    @Override
    public void beforeServing(Natrix natrix) {
        registries.ifAvailable(registry -> {
            NatrixMetrics.bindConnection(natrix, registry);
            NatrixMetrics.bindHops(natrix, registry);
        });
    }

    @Override
    public void started(Service service) {
        registries.ifAvailable(registry -> NatrixMetrics.bindService(service, registry));
    }
}
