package io.natrix.gateway;

import io.natrix.Natrix;
import io.natrix.RequestContext;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The NATS server the gateway is connected to dies while clients call it: every request is answered 200. A
 * request that arrives while the connection moves to another server waits for it; one whose reply was lost with
 * the server is sent again, with the same request id, on a route declared idempotent, and the service (which
 * deduplicates by that id here) does the work once per request.
 */
class GatewayFailoverTest {

    @RegisterExtension
    static final NatsServerExtension cluster = NatsServerExtension.cluster(3);

    @Test
    void aServerDeathFailsNoRequestOnAnIdempotentRoute() throws Exception {
        Set<String> done = ConcurrentHashMap.newKeySet();
        AtomicInteger repeats = new AtomicInteger();
        String first = cluster.servers().getFirst().url();
        String others = String.join(",", cluster.servers().stream().skip(1).map(s -> s.url()).toList());
        // the gateway on the first server (which dies), the service on the others
        try (Natrix edge = Natrix.builder().servers(first + "," + others)
                .credentials(cluster.seed()).trust(cluster.ca()).natsOptions(o -> o.noRandomize()).shutdownHook(false).connect();
             Natrix service = Natrix.builder().servers(others)
                     .credentials(cluster.seed()).trust(cluster.ca()).shutdownHook(false).connect();
             HttpClient http = HttpClient.newHttpClient();
             var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            service.service("orders").endpoint("Place", Map.class, request -> {
                String key = RequestContext.current().flatMap(RequestContext::requestId).orElseThrow();
                if (!done.add(key)) {
                    repeats.incrementAndGet(); // the same request again: answered, not done again
                }
                Thread.sleep(20);
                return Map.of("placed", key);
            }).start();
            try (Gateway gateway = Gateway.builder(edge).port(0)
                    .route(Route.post("/v1/orders", "ms.orders.Place").idempotent().timeout(Duration.ofSeconds(5))).start()) {
                URI orders = URI.create("http://127.0.0.1:" + gateway.port() + "/v1/orders");
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    String id = "order-" + i;
                    answers.add(clients.submit(() -> http.send(HttpRequest.newBuilder(orders).header("X-Request-Id", id)
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(), HttpResponse.BodyHandlers.ofString())));
                    if (i == 100) {
                        assertThat(edge.nats().getConnectedUrl()).endsWith(":" + cluster.servers().getFirst().port());
                        cluster.servers().getFirst().kill();
                    }
                    Thread.sleep(5);
                }
                List<String> failed = new ArrayList<>();
                for (Future<HttpResponse<String>> answer : answers) {
                    HttpResponse<String> response = answer.get();
                    if (response.statusCode() != 200) {
                        failed.add(response.statusCode() + " " + response.body());
                    }
                }
                assertThat(failed).as("requests that failed through the server's death").isEmpty();
                assertThat(done).hasSize(300);
                assertThat(edge.nats().getConnectedUrl()).doesNotEndWith(":" + cluster.servers().getFirst().port());
                System.out.printf("gateway failover: 300 requests, a server killed after 100, 0 failed, %d sent again%n",
                        repeats.get());
            }
        }
    }
}
