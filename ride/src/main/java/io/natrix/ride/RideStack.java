package io.natrix.ride;

import io.nats.client.JetStreamApiException;
import io.natrix.Natrix;
import io.natrix.gateway.Gateway;
import io.natrix.gateway.TokenKeys;
import io.natrix.ride.dispatch.DispatchConfig;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One instance of every ride service, and optionally a gateway, over given connections: how tests and
 * single-process runs start the system. (The demo runs each instance in a process of its own.)
 */
public final class RideStack implements AutoCloseable {

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final RideTokens tokens;
    private Gateway gateway;

    private RideStack(RideTokens tokens) {
        this.tokens = tokens;
    }

    /**
     * Provisions the storage ({@link RideStorage}, one copy) and starts users, geo, both ETA estimators and
     * dispatch on {@code services}, a connection allowed to manage JetStream (an open NATS, or the admin).
     */
    public static RideStack services(Natrix services, DispatchConfig dispatch) {
        return services(services, dispatch, RideTokens.none());
    }

    /**
     * As {@link #services(Natrix, DispatchConfig)}, with bearer tokens: users mints them at sign-up with the
     * private key of {@code tokens}, and a gateway added after requires them.
     */
    public static RideStack services(Natrix services, DispatchConfig dispatch, TokenKeys tokens) {
        return services(services, dispatch, RideTokens.of(tokens));
    }

    private static RideStack services(Natrix services, DispatchConfig dispatch, RideTokens tokens) {
        try {
            RideStorage.provision(services.nats(), 1);
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cannot provision the ride system's storage: " + e.getMessage(), e);
        }
        RideStack stack = new RideStack(tokens);
        for (RideRole role : List.of(RideRole.USERS, RideRole.GEO, RideRole.ETA_QUICK, RideRole.ETA_CAREFUL, RideRole.DISPATCH)) {
            stack.parts.add(role.start(services, dispatch, 0, tokens));
        }
        return stack;
    }

    /** Adds a gateway with the rider and driver API on {@code port} (0: any free port). */
    public RideStack withGateway(Natrix edge, int port) {
        gateway = (Gateway) RideRole.GATEWAY.start(edge, DispatchConfig.defaults(), port, tokens);
        parts.add(gateway);
        return this;
    }

    /** Adds the live dashboard's service (its page is on every gateway at {@code /dashboard}). */
    public RideStack withDashboard(Natrix natrix) {
        parts.add(RideRole.DASHBOARD.start(natrix, DispatchConfig.defaults(), 0));
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
