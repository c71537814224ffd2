package io.natrix;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One running instance of a service as discovery sees it: what it is and what it has done so far.
 *
 * @param name        the service name, e.g. {@code users}
 * @param id          this instance's unique id
 * @param version     semantic version
 * @param description what the service does
 * @param metadata    free-form facts
 * @param started     when the instance started
 * @param endpoints   its endpoints with their counters
 */
public record ServiceInstance(String name, String id, String version, String description,
                              Map<String, String> metadata, Instant started, List<EndpointStats> endpoints) {

    public ServiceInstance {
        metadata = Map.copyOf(metadata);
        endpoints = List.copyOf(endpoints);
    }

    /** Requests served by all endpoints of this instance. */
    public long requests() {
        return endpoints.stream().mapToLong(EndpointStats::requests).sum();
    }

    /** Error answers given by all endpoints of this instance. */
    public long errors() {
        return endpoints.stream().mapToLong(EndpointStats::errors).sum();
    }
}
