package io.natrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Pins the discovery JSON to the NATS Services API field names and type strings. */
class DiscoveryJsonTest {

    private final JsonCodec codec = new JsonCodec(JsonCodec.defaultMapper());
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void pingHasTheSpecFieldsAndType() throws Exception {
        JsonNode ping = mapper.readTree(codec.encode(new DiscoveryJson.Ping(Wire.PING_TYPE, "users", "ID1", "1.0.0", Map.of())));
        assertThat(ping).isEqualTo(mapper.readTree("""
                {"type":"io.nats.micro.v1.ping_response","name":"users","id":"ID1","version":"1.0.0","metadata":{}}
                """));
    }

    @Test
    void infoHasTheSpecFieldsAndType() throws Exception {
        JsonNode info = mapper.readTree(codec.encode(new DiscoveryJson.Info(Wire.INFO_TYPE, "users", "ID1", "1.0.0",
                Map.of(), "Riders", List.of(new DiscoveryJson.EndpointInfo("GetUser", "ms.users.GetUser", "users", Map.of()),
                new DiscoveryJson.EndpointInfo("Size", "ms.users.Size", null, Map.of("k", "v"))))));
        assertThat(info).isEqualTo(mapper.readTree("""
                {"type":"io.nats.micro.v1.info_response","name":"users","id":"ID1","version":"1.0.0","metadata":{},
                 "description":"Riders",
                 "endpoints":[{"name":"GetUser","subject":"ms.users.GetUser","queue_group":"users","metadata":{}},
                              {"name":"Size","subject":"ms.users.Size","metadata":{"k":"v"}}]}
                """));
    }

    @Test
    void statsHasTheSpecFieldsAndType() throws Exception {
        JsonNode stats = mapper.readTree(codec.encode(new DiscoveryJson.Stats(Wire.STATS_TYPE, "users", "ID1", "1.0.0",
                Map.of(), "2026-11-24T18:40:00.123456Z", List.of(new DiscoveryJson.EndpointStatsJson("GetUser",
                "ms.users.GetUser", "users", 6, 1, 600, 100, "404:no user", Map.of("in_flight", 0L))))));
        assertThat(stats).isEqualTo(mapper.readTree("""
                {"type":"io.nats.micro.v1.stats_response","name":"users","id":"ID1","version":"1.0.0","metadata":{},
                 "started":"2026-11-24T18:40:00.123456Z",
                 "endpoints":[{"name":"GetUser","subject":"ms.users.GetUser","queue_group":"users",
                               "num_requests":6,"num_errors":1,"processing_time":600,"average_processing_time":100,
                               "last_error":"404:no user","data":{"in_flight":0}}]}
                """));
    }

    @Test
    void discoverySubjectsFollowTheSpec() {
        assertThat(Wire.discoverySubject("PING", null, null)).isEqualTo("$SRV.PING");
        assertThat(Wire.discoverySubject("INFO", "users", null)).isEqualTo("$SRV.INFO.users");
        assertThat(Wire.discoverySubject("STATS", "users", "ID1")).isEqualTo("$SRV.STATS.users.ID1");
        assertThat(Wire.endpointSubject("users", "GetUser")).isEqualTo("ms.users.GetUser");
    }
}
