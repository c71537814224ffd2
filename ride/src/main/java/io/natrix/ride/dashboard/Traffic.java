package io.natrix.ride.dashboard;

import io.natrix.EndpointStats;
import io.natrix.ServiceInstance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each service's panel: instances, requests and errors per second (the change in {@code $SRV.STATS}
 * counters since the last look), and the worst p99 any of its instances reports for its last window.
 */
final class Traffic {

    /** One service's panel. */
    record Panel(String name, int instances, String version, double requestsPerSecond, double errorsPerSecond,
                 double p99Millis, long requests, long errors, int inFlight) {
    }

    private record Totals(long requests, long errors) {
    }

    private Map<String, Totals> previous = Map.of();
    private long previousAt;

    synchronized List<Panel> panels(List<ServiceInstance> instances) {
        long now = System.nanoTime();
        double seconds = previousAt == 0 ? 0 : (now - previousAt) / 1e9;
        Map<String, List<ServiceInstance>> byName = new TreeMap<>();
        instances.forEach(instance -> byName.computeIfAbsent(instance.name(), name -> new ArrayList<>()).add(instance));
        Map<String, Totals> current = new HashMap<>();
        List<Panel> panels = new ArrayList<>();
        byName.forEach((name, running) -> {
            long requests = 0, errors = 0, p99 = 0;
            int inFlight = 0;
            for (ServiceInstance instance : running) {
                for (EndpointStats endpoint : instance.endpoints()) {
                    requests += endpoint.requests();
                    errors += endpoint.errors();
                    inFlight += (int) endpoint.inFlight();
                    p99 = Math.max(p99, endpoint.p99().toNanos());
                }
            }
            Totals before = previous.get(name);
            current.put(name, new Totals(requests, errors));
            double rps = before == null || seconds <= 0 ? 0 : Math.max(0, requests - before.requests()) / seconds;
            double eps = before == null || seconds <= 0 ? 0 : Math.max(0, errors - before.errors()) / seconds;
            panels.add(new Panel(name, running.size(), running.getFirst().version(), round(rps), round(eps),
                    round(p99 / 1e6), requests, errors, inFlight));
        });
        previous = current;
        previousAt = now;
        return panels;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
