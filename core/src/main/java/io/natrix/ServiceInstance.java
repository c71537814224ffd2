package io.natrix;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /** The metadata key that says which region an instance runs in ({@code Natrix.Builder#region}). */
    public static final String REGION = "region";

    public ServiceInstance {
        metadata = Map.copyOf(metadata);
        endpoints = List.copyOf(endpoints);
    }

    /** The region it runs in, when its process named one ({@code Natrix.Builder#region}). */
    public Optional<String> region() {
        return Optional.ofNullable(metadata.get(REGION));
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
