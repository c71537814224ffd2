package io.natrix;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/** The JSON shapes of the NATS Services API discovery verbs, as nats.go's {@code micro} defines them. */
final class DiscoveryJson {

    private DiscoveryJson() {
    }

    record Ping(String type, String name, String id, String version, Map<String, String> metadata) {
    }

    record Info(String type, String name, String id, String version, Map<String, String> metadata,
                String description, List<EndpointInfo> endpoints) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EndpointInfo(String name, String subject, @JsonProperty("queue_group") String queueGroup,
                        Map<String, String> metadata) {
    }

    record Stats(String type, String name, String id, String version, Map<String, String> metadata,
                 String started, List<EndpointStatsJson> endpoints) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EndpointStatsJson(String name, String subject, @JsonProperty("queue_group") String queueGroup,
                             @JsonProperty("num_requests") long numRequests,
                             @JsonProperty("num_errors") long numErrors,
                             @JsonProperty("processing_time") long processingTime,
                             @JsonProperty("average_processing_time") long averageProcessingTime,
                             @JsonProperty("last_error") String lastError,
                             Object data) {
    }
}
