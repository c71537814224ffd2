package io.natrix.ride.api;

import io.natrix.Natrix;
import io.natrix.ride.Provision;
import io.natrix.Service;
import io.natrix.gateway.Gateway;
import io.natrix.ride.dispatch.Dispatch;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.ride.eta.EtaService;
import io.natrix.ride.geo.GeoIndex;
import io.natrix.ride.geo.GeoService;
import io.natrix.ride.users.UsersService;
import io.natrix.testkit.NatsServerExtension;

import java.time.Duration;

/**
 * The ride services in one process and the gateway with the ride API in front of them, on a real nats-server:
 * {@code services} is their connection, {@code edge} the gateway's, {@code base} its address.
 */
final class ApiStack implements AutoCloseable {

    final Natrix services;
    final Natrix edge;
    final Service geo;
    final Dispatch dispatch;
    final Gateway gateway;
    final String base;

    ApiStack(NatsServerExtension nats) {
        Provision.storage(nats, 1);
        services = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
        edge = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
        UsersService.start(services);
        geo = GeoService.start(services, new GeoIndex(Duration.ofSeconds(30), System::currentTimeMillis));
        EtaService.startQuick(services);
        EtaService.startCareful(services, Duration.ofMillis(20));
        dispatch = Dispatch.start(services, DispatchConfig.defaults());
        gateway = RideApi.routes(Gateway.builder(edge).port(0)).start();
        base = "http://127.0.0.1:" + gateway.port();
    }

    @Override
    public void close() {
        gateway.close();
        dispatch.close();
        edge.close();
        services.close();
    }
}
