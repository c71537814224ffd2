package io.natrix.gateway;

import io.natrix.testkit.NatsSecurity;

import io.natrix.Natrix;
import io.natrix.testkit.NatsServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Readiness follows NATS, a stop finishes what is in flight, and routes can come from a file. */
class GatewayLifecycleTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void notReadyWhileNatsIsDownAndCallsAreAnswered503WhenNoReconnectComes() throws Exception {
        NatsServerProcess server = NatsServerProcess.start(1, false, 0, NatsSecurity.temporary()).getFirst();
        try (Natrix natrix = Natrix.builder().servers(server.url())
                .credentials(NatsSecurity.temporary().seed(NatsSecurity.ADMIN)).trust(NatsSecurity.temporary().ca())
                .shutdownHook(false).connect();
             Gateway gateway = Gateway.builder(natrix).port(0).route(Route.get("/v1/users/{id}", "ms.users.GetUser")).start()) {
            natrix.service("users").endpoint("GetUser", Map.class, request -> request).start();
            assertThat(get(gateway.port(), "/health/ready").statusCode()).isEqualTo(200);
            assertThat(get(gateway.port(), "/v1/users/1").statusCode()).isEqualTo(200);

            server.kill();
            await().until(() -> get(gateway.port(), "/health/ready").statusCode() == 503);
            assertThat(get(gateway.port(), "/health/ready").body()).contains("\"status\":\"DOWN\"");
            assertThat(get(gateway.port(), "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> call = get(gateway.port(), "/v1/users/1");
            assertThat(call.statusCode()).isEqualTo(503);
            assertThat(call.body()).contains("lost NATS");
            assertThat(call.headers().firstValue("Retry-After")).hasValue("1");
        } finally {
            server.stop();
        }
    }

    @Test
    void closeFinishesRequestsInFlightThenRefusesConnections() throws Exception {
        NatsServerProcess server = NatsServerProcess.start(1, false, 0, NatsSecurity.temporary()).getFirst();
        Semaphore entered = new Semaphore(0);
        try (Natrix natrix = Natrix.builder().servers(server.url())
                .credentials(NatsSecurity.temporary().seed(NatsSecurity.ADMIN)).trust(NatsSecurity.temporary().ca())
                .shutdownHook(false).connect();
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            natrix.service("reports").endpoint("Build", Map.class, request -> {
                entered.release();
                Thread.sleep(500);
                return Map.of("built", true);
            }).start();
            Gateway gateway = Gateway.builder(natrix).port(0).route(Route.get("/v1/report", "ms.reports.Build")).start();
            int port = gateway.port();
            Future<HttpResponse<String>> inFlight = threads.submit(() -> get(port, "/v1/report"));
            entered.acquire();
            gateway.close();
            HttpResponse<String> finished = inFlight.get();
            assertThat(finished.statusCode()).isEqualTo(200);
            assertThat(finished.body()).contains("\"built\":true");
            assertThatThrownBy(() -> get(port, "/health/live")).hasCauseInstanceOf(ConnectException.class);
        } finally {
            server.stop();
        }
    }

    @Test
    void routesComeFromAJsonFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("routes.json");
        Files.writeString(file, """
                {"routes": [
                  {"method": "GET", "path": "/v1/users/{id}", "subject": "ms.users.GetUser", "timeoutMillis": 2000},
                  {"method": "delete", "path": "/v1/users/{id}", "subject": "ms.users.DeleteUser"}
                ]}
                """);
        NatsServerProcess server = NatsServerProcess.start(1, false, 0, NatsSecurity.temporary()).getFirst();
        try (Natrix natrix = Natrix.builder().servers(server.url())
                .credentials(NatsSecurity.temporary().seed(NatsSecurity.ADMIN)).trust(NatsSecurity.temporary().ca())
                .shutdownHook(false).connect();
             Gateway gateway = Gateway.builder(natrix).port(0).routes(file).start()) {
            natrix.service("users").endpoint("GetUser", Map.class, request -> Map.of("user", request.get("id"))).start();
            HttpResponse<String> response = get(gateway.port(), "/v1/users/9");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"user\":\"9\"}");
        } finally {
            server.stop();
        }
        Files.writeString(file, "{\"routes\": [{\"method\": \"GET\", \"path\": \"users\", \"subject\": \"ms.x\"}]}");
        assertThatThrownBy(() -> RouteFile.read(file)).hasMessageContaining("starts with '/'");
    }

    @Test
    void closeEndsOpenStreamsWithAFinalMessage() throws Exception {
        NatsServerProcess server = NatsServerProcess.start(1, false, 0, NatsSecurity.temporary()).getFirst();
        try (Natrix natrix = Natrix.builder().servers(server.url())
                .credentials(NatsSecurity.temporary().seed(NatsSecurity.ADMIN)).trust(NatsSecurity.temporary().ca())
                .shutdownHook(false).connect()) {
            natrix.service("geo").endpoint("Nearby", Map.class, request -> Map.of("drivers", 3)).start();
            Gateway gateway = Gateway.builder(natrix).port(0)
                    .stream(StreamRoute.subscribe("/v1/offers", "ms.offers"))
                    .stream(StreamRoute.poll("/v1/nearby", "ms.geo.Nearby", Duration.ofMillis(200)))
                    .start();
            HttpResponse<java.util.stream.Stream<String>> offers = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.port() + "/v1/offers")).build(), HttpResponse.BodyHandlers.ofLines());
            HttpResponse<java.util.stream.Stream<String>> nearby = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.port() + "/v1/nearby")).build(), HttpResponse.BodyHandlers.ofLines());
            await().until(() -> ((DefaultGateway) gateway).openStreams() == 2);

            long started = System.nanoTime();
            gateway.close();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("streams do not hold the stop")
                    .isLessThan(Duration.ofSeconds(5));
            try (var offerLines = offers.body(); var nearbyLines = nearby.body()) {
                assertThat(offerLines.filter(line -> !line.isBlank()).toList())
                        .containsExactly("{\"closing\":\"the gateway is stopping; reconnect to another instance\"}");
                assertThat(nearbyLines.filter(line -> !line.isBlank()).toList()).last().asString().contains("closing");
            }
        } finally {
            server.stop();
        }
    }
}
