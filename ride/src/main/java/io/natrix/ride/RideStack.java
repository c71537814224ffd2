package io.natrix.ride;

import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.gateway.Gateway;
import io.natrix.ride.api.RideApi;
import io.natrix.ride.dispatch.Dispatch;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.ride.eta.EtaService;
import io.natrix.ride.geo.GeoIndex;
import io.natrix.ride.geo.GeoService;
import io.natrix.ride.users.UsersService;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One instance of every ride service, and optionally a gateway, over given connections: how tests and
 * single-process runs start the system. (The demo runs each instance in a process of its own.)
 */
public final class RideStack implements AutoCloseable {

    private final List<AutoCloseable> parts = new ArrayList<>();
    private Gateway gateway;

    private RideStack() {
    }

    /** Starts users, geo, both ETA estimators and dispatch on {@code services}. */
    public static RideStack services(Natrix services, DispatchConfig dispatch) {
        RideStack stack = new RideStack();
        Service users = UsersService.start(services);
        Service geo = GeoService.start(services, new GeoIndex(Duration.ofSeconds(30), System::currentTimeMillis));
        Service quick = EtaService.startQuick(services);
        Service careful = EtaService.startCareful(services, Duration.ofMillis(40));
        stack.parts.addAll(List.of(users, geo, quick, careful, Dispatch.start(services, dispatch)));
        return stack;
    }

    /** Adds a gateway with the rider and driver API on {@code port} (0: any free port). */
    public RideStack withGateway(Natrix edge, int port) {
        gateway = RideApi.routes(Gateway.builder(edge).port(port)).start();
        parts.add(gateway);
        return this;
    }

    /** The gateway's port. */
    public int port() {
        return gateway.port();
    }

    @Override
    public void close() {
        for (AutoCloseable part : parts.reversed()) {
            try {
                part.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }
}
