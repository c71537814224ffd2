package io.natrix.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.EndpointOptions;
import io.natrix.Natrix;
import io.natrix.RequestContext;
import io.natrix.ServiceException;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

import static org.assertj.core.api.Assertions.assertThat;

/** Every status the gateway promises, over real HTTP against real services on a real nats-server. */
class GatewayRestTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final CountDownLatch release = new CountDownLatch(1);
    static final Semaphore heldEntered = new Semaphore(0);

    static Natrix natrix;
    static Gateway gateway;

    record UserQuery(String id, String fields, String traceparent) {
    }

    /** A request that states its own rule, as the ride's records do. */
    record AgeQuery(String id, int age) {
        AgeQuery {
            if (age < 0 || age > 150) {
                throw new IllegalArgumentException("age must be a number from 0 to 150, got " + age);
            }
        }
    }

    static final java.util.concurrent.atomic.AtomicInteger agesAsked = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeAll
    static void start() {
        natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).drainTimeout(Duration.ofSeconds(2)).connect();
        natrix.service("users")
                .endpoint("GetUser", Map.class, request -> switch (String.valueOf(request.get("id"))) {
                    case "missing" -> throw new ServiceException(404, "no user missing");
                    case "taken" -> throw new ServiceException(409, "that email is taken");
                    case "invalid" -> throw new ServiceException(422, "age must be positive");
                    case "bug" -> throw new IllegalStateException("secret");
                    case "slow" -> {
                        Thread.sleep(2_000);
                        yield Map.of("id", "slow");
                    }
                    default -> Map.of("request", request,
                            "requestId", RequestContext.current().flatMap(RequestContext::requestId).orElse("none"),
                            "traceparent", RequestContext.current().flatMap(c -> c.header(RequestContext.TRACEPARENT)).orElse("none"));
                })
                .endpoint("Age", Map.class, request -> {
                    agesAsked.incrementAndGet();
                    return request;
                })
                .endpoint("Hold", Map.class, request -> {
                    heldEntered.release();
                    release.await();
                    return Map.of("held", true);
                }, EndpointOptions.defaults().maxInFlight(1))
                .start();
        gateway = Gateway.builder(natrix).port(0).maxBodyBytes(1024)
                .route(Route.get("/v1/users/{id}", "ms.users.GetUser"))
                .route(Route.post("/v1/users/{id}", "ms.users.GetUser").timeout(Duration.ofMillis(300)))
                .route(Route.get("/v1/holds", "ms.users.Hold").timeout(Duration.ofSeconds(10)))
                .route(Route.get("/v1/ages/{id}", "ms.users.Age").accepts(AgeQuery.class))
                .route(Route.get("/v1/nobody", "ms.nobody.Home"))
                .route(Route.get("/v1/gone", "ms.gone.Home"))
                .start();
    }

    @AfterAll
    static void stop() {
        release.countDown();
        gateway.close();
        natrix.close();
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).timeout(Duration.ofSeconds(20));
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(response.body());
    }

    static void assertError(HttpResponse<String> response, int status, String messagePart) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("error").asText()).isNotBlank();
        assertThat(body.get("message").asText()).contains(messagePart);
        assertThat(body.get("requestId").asText()).isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void aMalformedTraceContextIsDroppedNotPassedToTheServices() throws Exception {
        for (String bad : java.util.List.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "hello",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01;x=" + "a".repeat(600))) {
            HttpResponse<String> response = send(at("/v1/users/42").header("traceparent", bad).header("tracestate", "k=v"));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response).at("/traceparent").asText()).as(bad).isEqualTo("none");
        }
    }

    @Test
    void pathQueryAndBodyMergeIntoTheRequestAndTheReplyComesBackAs200() throws Exception {
        HttpResponse<String> response = send(at("/v1/users/42?fields=name&fields=email&id=ignored")
                .header("X-Request-Id", "req-1")
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.at("/request/id").asText()).as("path parameters win").isEqualTo("42");
        assertThat(body.at("/request/fields").toString()).isEqualTo("[\"name\",\"email\"]");
        assertThat(body.at("/requestId").asText()).isEqualTo("req-1");
        assertThat(body.at("/traceparent").asText()).startsWith("00-4bf92f");
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue("req-1");

        HttpResponse<String> posted = send(at("/v1/users/7").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\",\"id\":\"body-loses\"}")));
        assertThat(posted.statusCode()).isEqualTo(200);
        assertThat(json(posted).at("/request/name").asText()).isEqualTo("Ada");
        assertThat(json(posted).at("/request/id").asText()).isEqualTo("7");
    }

    @Test
    void aRouteThatAcceptsARecordRefusesWhatTheRecordRefusesWithoutAskingTheService() throws Exception {
        int before = agesAsked.get();
        assertError(send(at("/v1/ages/1?age=200")), 400, "age must be a number from 0 to 150, got 200");
        assertError(send(at("/v1/ages/1?age=old")), 400, "age must be a whole number, got old");
        assertThat(agesAsked.get()).as("the service was never asked").isEqualTo(before);

        HttpResponse<String> fine = send(at("/v1/ages/1?age=40&extra=allowed"));
        assertThat(fine.statusCode()).as(fine.body()).isEqualTo(200);
        assertThat(json(fine).get("age").asText()).isEqualTo("40");
        assertThat(agesAsked.get()).isEqualTo(before + 1);
    }

    @Test
    void aRequestIdIsMadeWhenTheClientSendsNone() throws Exception {
        HttpResponse<String> response = send(at("/v1/users/1").header("X-Request-Id", "bad id with spaces"));
        String id = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(json(response).at("/requestId").asText()).isEqualTo(id);
    }

    @Test
    void serviceErrorCodesPassThrough() throws Exception {
        assertError(send(at("/v1/users/missing")), 404, "no user missing");
        assertError(send(at("/v1/users/taken")), 409, "that email is taken");
        assertError(send(at("/v1/users/invalid")), 422, "age must be positive");
        HttpResponse<String> bug = send(at("/v1/users/bug"));
        assertError(bug, 500, "internal error in users.GetUser");
        assertThat(bug.body()).doesNotContain("secret");
    }

    @Test
    void noInstanceRunningIs503WithRetryAfter() throws Exception {
        HttpResponse<String> response = send(at("/v1/nobody"));
        assertError(response, 503, "no instance is serving GET /v1/nobody");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    }

    @Test
    void aDeadDependencyFailsFastAs503WithRetryAfterOnceItsCircuitOpens() throws Exception {
        HttpResponse<String> response = send(at("/v1/gone"));
        assertError(response, 503, "no instance is serving GET /v1/gone");
        for (int i = 0; i < 20 && !response.body().contains("failing fast"); i++) { // each request tries up to 3 times
            response = send(at("/v1/gone"));
        }
        assertError(response, 503, "GET /v1/gone is failing fast");
        assertThat(response.body()).as("the route's words, not the internal subject").doesNotContain("ms.gone");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
    }

    @Test
    void aTimedOutCallIs504AndAClientMayAskForLessNeverMore() throws Exception {
        long started = System.nanoTime();
        assertError(send(at("/v1/users/slow").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))), 504, "within 300 ms");
        assertError(send(at("/v1/users/slow").header("Request-Timeout", "100ms")), 504, "within 100 ms");
        assertError(send(at("/v1/users/slow").header("Content-Type", "application/json").header("Request-Timeout", "60s")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))), 504, "within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertError(send(at("/v1/users/1").header("Request-Timeout", "soon")), 400, "Request-Timeout must be");
    }

    @Test
    void overloadIs429WithRetryAfter() throws Exception {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<HttpResponse<String>> held = threads.submit(() -> send(at("/v1/holds")));
            heldEntered.acquire();
            HttpResponse<String> refused = send(at("/v1/holds"));
            assertError(refused, 429, "overloaded");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            release.countDown();
            assertThat(held.get().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void malformedJsonAndWrongContentTypeAre400() throws Exception {
        assertError(send(at("/v1/users/1").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": "))), 400, "not valid JSON");
        assertError(send(at("/v1/users/1").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("name=Ada"))), 400, "Content-Type: application/json");
        assertError(send(at("/v1/users/1").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[1,2]"))), 400, "must be a JSON object");
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        assertError(send(at("/v1/users/1").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"pad\":\"" + "x".repeat(2000) + "\"}"))), 413, "at most 1024");
    }

    @Test
    void aBodyThatNeverEndsIsCutAt413AndTheGatewayServesOthers() throws Exception {
        try (ChunkedClient endless = new ChunkedClient(gateway.port(), "/v1/users/1", "application/json")) {
            endless.chunk("{\"pad\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (int i = 0; i < 4; i++) { // 4 KiB past a 1 KiB limit, and no end in sight
                endless.chunk("x".repeat(1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            assertThat(endless.response()).startsWith("HTTP/1.1 413").contains("over 1024 bytes");
        }
        assertThat(send(at("/v1/users/2")).statusCode()).isEqualTo(200);
    }

    @Test
    void oversizedHeadersAreRefusedAndTheGatewayServesOthers() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /v1/users/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "y".repeat(20_000)
                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new String(socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(status).matches("HTTP/1.1 4(00|31)");
        }
        assertThat(send(at("/v1/users/2")).statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() throws Exception {
        assertError(send(at("/v1/trucks/1")), 404, "no route for GET /v1/trucks/1");
        HttpResponse<String> wrong = send(at("/v1/users/1").DELETE());
        assertError(wrong, 405, "DELETE is not allowed");
        assertThat(wrong.headers().firstValue("Allow")).hasValue("GET, POST");
    }

    @Test
    void healthSaysLiveAndReady() throws Exception {
        HttpResponse<String> live = send(at("/health/live"));
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(json(live).get("status").asText()).isEqualTo("UP");
        HttpResponse<String> ready = send(at("/health/ready"));
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready).get("nats").asText()).isEqualTo("CONNECTED");
    }
}
