package io.natrix.spring;

import io.nats.client.Connection;
import io.natrix.EndpointStats;
import io.natrix.ListenerStats;
import io.natrix.Natrix;
import io.natrix.Service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the Natrix part of an application stands, whichever Boot reports it: up while the NATS connection is connected
 * and every service the application started is serving; down while the connection is lost (reconnecting, closed)
 * or a service has stopped. Its details: the connection's state and server, permission violations, and per service
 * its id, endpoints (requests, errors, in flight) and listeners (handled, errors, dropped, pending).
 */
final class NatrixHealth {

    /** One reading: up or down, and what it saw. */
    record Reading(boolean up, Map<String, Object> details) {
    }

    private final Natrix natrix;
    private final NatrixServices services;

    NatrixHealth(Natrix natrix, NatrixServices services) {
        this.natrix = natrix;
        this.services = services;
    }

    Reading read() {
        Map<String, Object> details = new LinkedHashMap<>();
        Connection connection = natrix.nats();
        Connection.Status status = connection.getStatus();
        boolean up = natrix.connectionStats().connected(); // the core connection and jnats's both
        details.put("connection", up ? "CONNECTED" : status == Connection.Status.CONNECTED ? "RECONNECTING" : status.name());
        String server = connection.getConnectedUrl();
        if (server != null) {
            details.put("server", server);
        }
        details.put("permissionViolations", natrix.permissionViolations());

        List<Service> open = natrix.services();
        Map<String, Object> byName = new LinkedHashMap<>();
        for (Service service : services.services()) {
            boolean serving = open.contains(service);
            up &= serving;
            byName.put(service.name(), describe(service, serving));
        }
        if (!byName.isEmpty()) {
            details.put("services", byName);
        }
        return new Reading(up, details);
    }

    private static Map<String, Object> describe(Service service, boolean serving) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("id", service.id());
        details.put("state", serving ? "SERVING" : "STOPPED");
        Map<String, Object> endpoints = new LinkedHashMap<>();
        for (EndpointStats endpoint : service.snapshot().endpoints()) {
            endpoints.put(endpoint.subject(), Map.of("requests", endpoint.requests(), "errors", endpoint.errors(),
                    "inFlight", endpoint.inFlight()));
        }
        if (!endpoints.isEmpty()) {
            details.put("endpoints", endpoints);
        }
        Map<String, Object> listeners = new LinkedHashMap<>();
        for (ListenerStats listener : service.listeners()) {
            listeners.put(listener.subject(), Map.of("handled", listener.handled(), "errors", listener.errors(),
                    "dropped", listener.dropped(), "pending", listener.pending()));
        }
        if (!listeners.isEmpty()) {
            details.put("listeners", listeners);
        }
        return details;
    }
}
