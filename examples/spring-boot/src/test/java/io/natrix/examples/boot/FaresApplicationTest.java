package io.natrix.examples.boot;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.Natrix;
import io.natrix.ServiceException;
import io.natrix.examples.boot.FaresApi.CurrentTariff;
import io.natrix.examples.boot.FaresApi.Quote;
import io.natrix.examples.boot.FaresApi.QuoteRequest;
import io.natrix.examples.boot.FaresApi.Tariff;
import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The application started by Spring's test support, with its web server on a free port, against a real secured
 * nats-server: it connects as the nkey user "fares", allowed its own subjects only; the test calls it over NATS
 * as a caller allowed only to call it, and reads actuator over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // Boot 3's test support turns metrics export off unless asked; the scrape is part of what is tested.
        // Tomcat's working folder in target/, not a tomcat.0.* folder in /tmp that Boot leaves after every run
        properties = {"management.prometheus.metrics.export.enabled=true", "server.tomcat.basedir=target/tomcat"})
class FaresApplicationTest {

    @TempDir
    static Path dir;
    static NatsSecurity security;
    static NatsServerProcess server;
    static Natrix caller;

    @LocalServerPort
    int port;

    @BeforeAll
    static void startNats() {
        security = NatsSecurity.generate(dir.resolve("security"), Map.of(
                NatsSecurity.ADMIN, NatsSecurity.User.admin(),
                "fares", NatsSecurity.User.allowing(List.of(), List.of("ms.fares.* fares", FaresApi.TARIFF_CHANGED,
                        "$SRV.*", "$SRV.*.fares", "$SRV.*.fares.*", "_INBOX_fares.>")),
                "pricing", NatsSecurity.User.allowing(List.of("ms.fares.Quote", "ms.fares.CurrentTariff",
                        FaresApi.TARIFF_CHANGED), List.of("_INBOX_pricing.>"))));
        server = NatsServerProcess.start(1, false, 0, security).getFirst();
        caller = Natrix.builder().servers(server.url()).credentials(security.seed("pricing")).trust(security.ca())
                .inboxPrefix("_INBOX_pricing").shutdownHook(false).connect();
    }

    @DynamicPropertySource
    static void natrix(DynamicPropertyRegistry properties) {
        properties.add("natrix.servers", () -> server.url());
        properties.add("natrix.credentials", () -> security.seed("fares"));
        properties.add("natrix.trust", () -> security.ca());
        properties.add("natrix.inbox-prefix", () -> "_INBOX_fares");
    }

    @AfterAll
    static void stopNats() {
        caller.close();
        server.stop();
    }

    @Test
    void quotesOverNatsThroughItsContract() {
        FaresApi fares = caller.proxy(FaresApi.class);
        Tariff tariff = caller.call("ms.fares.CurrentTariff", new CurrentTariff(), Tariff.class); // another test may change it
        assertThat(fares.quote(new QuoteRequest(10, 20))).isEqualTo(new Quote(tariff.baseCents() + 10 * tariff.centsPerKm()
                + 20 * tariff.centsPerMinute(), "EUR", tariff.version()));
        assertThatThrownBy(() -> caller.call("ms.fares.Quote", Map.of("km", -3, "minutes", 1), Quote.class))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessageContaining("km must be 0 to 1000");
    }

    @Test
    void aBroadcastTariffReachesItsListener() {
        caller.publish(FaresApi.TARIFF_CHANGED, new Tariff(2, 300, 100, 20, "EUR"));
        await().atMost(Duration.ofSeconds(5)).until(() ->
                caller.call("ms.fares.CurrentTariff", new CurrentTariff(), Tariff.class).version() == 2);
        assertThat(caller.proxy(FaresApi.class).quote(new QuoteRequest(1, 1))).isEqualTo(new Quote(420, "EUR", 2));
        caller.publish(FaresApi.TARIFF_CHANGED, new Tariff(1, 0, 0, 0, "EUR")); // an older one is ignored
        assertThat(caller.call("ms.fares.CurrentTariff", new CurrentTariff(), Tariff.class).version()).isEqualTo(2);
    }

    @Test
    void actuatorShowsNatrixHealthAndMetricsOverHttp() throws Exception {
        caller.proxy(FaresApi.class).quote(new QuoteRequest(1, 1));

        JsonNode health = json("/actuator/health");
        JsonNode natrix = health.path("components").path("natrix");
        assertThat(natrix.path("status").asText()).isEqualTo("UP");
        assertThat(natrix.path("details").path("connection").asText()).isEqualTo("CONNECTED");
        assertThat(natrix.path("details").path("services").path("fares").path("state").asText()).isEqualTo("SERVING");
        assertThat(natrix.path("details").path("services").path("fares").path("endpoints").has("ms.fares.Quote")).isTrue();
        assertThat(json("/actuator/health/readiness").path("components").has("natrix")).isTrue();

        String metrics = get("/actuator/prometheus").body();
        assertThat(metrics).containsPattern("natrix_endpoint_requests_total\\{[^}]*endpoint=\"Quote\"[^}]*service=\"fares\"[^}]*} [1-9]")
                .contains("natrix_nats_connected").contains("natrix_endpoint_latency_seconds_count");
        assertThat(natrix.path("details").path("permissionViolations").asLong()).isZero();
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return Natrix.defaultObjectMapper().readTree(response.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
