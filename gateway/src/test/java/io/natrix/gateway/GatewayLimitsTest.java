package io.natrix.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Subscription;
import io.natrix.Actor;
import io.natrix.Natrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Limits per identity over real HTTP: the one over its limit gets 429 with Retry-After, another is unaffected. */
class GatewayLimitsTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @TempDir
    static Path dir;

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static Natrix natrix;
    static Gateway gateway;
    static TokenIssuer issuer;
    static String base;

    @BeforeAll
    static void start() {
        TokenKeys keys = TokenKeys.reuse(dir.resolve("tokens"));
        issuer = TokenIssuer.load(keys.signingKey());
        natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).drainTimeout(Duration.ofSeconds(2)).connect();
        natrix.service("echo").endpoint("Echo", Map.class, request -> request).start();
        gateway = Gateway.builder(natrix).port(0)
                .authentication(TokenVerifier.load(keys.publicKeys()))
                // slow refills: a test's few requests never earn a new token while it runs
                .limits(Limits.defaults().requests(0.01, 5).open(0.01, 3).streams(2).events(0.01, 2))
                .route(Route.post("/v1/signup", "ms.echo.Echo").access(Access.open()))
                .route(Route.get("/v1/echo", "ms.echo.Echo"))
                .stream(StreamRoute.subscribe("/v1/feeds/{id}", "ms.feed.{id}").access(Access.authenticated().owner("id")))
                .stream(StreamRoute.publish("/v1/drivers/{driverId}/locations", "ms.pos.{driverId}")
                        .access(Access.roles("DRIVER").owner("driverId")))
                .start();
        base = "http://127.0.0.1:" + gateway.port();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        natrix.close();
    }

    static String token(String role, String id) {
        return issuer.issue(new Actor(role, id), Duration.ofHours(1)).value();
    }

    static HttpResponse<String> get(String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anActorOverItsRequestRateGets429WhileAnotherIsServed() throws Exception {
        String greedy = token("RIDER", "greedy");
        for (int i = 0; i < 5; i++) {
            assertThat(get("/v1/echo", greedy).statusCode()).as("request " + (i + 1) + " of the burst").isEqualTo(200);
        }
        HttpResponse<String> over = get("/v1/echo", greedy);
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.headers().firstValueAsLong("Retry-After").orElse(0)).isPositive();
        assertThat(JSON.readTree(over.body()).get("message").asText()).startsWith("more than 0.01 requests/s for rider greedy");
        assertThat(get("/v1/echo", token("RIDER", "modest")).statusCode()).as("another rider meanwhile").isEqualTo(200);
    }

    @Test
    void anAddressOverTheOpenRoutesRateGets429() throws Exception {
        HttpRequest signUp = HttpRequest.newBuilder(URI.create(base + "/v1/signup")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        for (int i = 0; i < 3; i++) {
            assertThat(HTTP.send(signUp, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> over = HTTP.send(signUp, HttpResponse.BodyHandlers.ofString());
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.body()).contains("client address 127.0.0.1");
        assertThat(get("/v1/echo", token("RIDER", "signed-in")).statusCode()).as("a signed-in actor meanwhile").isEqualTo(200);
    }

    @Test
    void anActorHoldsAtMostItsStreamsAndGetsAPlaceBackWhenOneEnds() throws Exception {
        String holder = token("RIDER", "holder");
        HttpRequest feed = HttpRequest.newBuilder(URI.create(base + "/v1/feeds/holder")).header("Authorization", "Bearer " + holder).build();
        HttpResponse<InputStream> first = HTTP.send(feed, HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> second = HTTP.send(feed, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(List.of(first.statusCode(), second.statusCode())).containsExactly(200, 200);
        HttpResponse<String> third = HTTP.send(feed, HttpResponse.BodyHandlers.ofString());
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.body()).contains("more than 2 streams at once for rider holder");
        HttpResponse<InputStream> other = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/feeds/other"))
                .header("Authorization", "Bearer " + token("RIDER", "other")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(other.statusCode()).as("another rider's stream meanwhile").isEqualTo(200);
        first.body().close(); // the client goes: its place is freed when the gateway sees the stream end
        natrix.publish("ms.feed.holder", Map.of("tick", 1)); // a write finds the closed stream
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            natrix.publish("ms.feed.holder", Map.of("tick", 2));
            HttpResponse<InputStream> again = HTTP.send(feed, HttpResponse.BodyHandlers.ofInputStream());
            boolean open = again.statusCode() == 200;
            again.body().close();
            return open;
        });
        second.body().close();
        other.body().close();
    }

    @Test
    void eventsOverADriversRateAreRejectedOnItsStreamWhichGoesOn() throws Exception {
        Subscription positions = natrix.nats().subscribe("ms.pos.>");
        natrix.nats().flush(Duration.ofSeconds(2));
        List<String> answers = new CopyOnWriteArrayList<>();
        WebSocket socket = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token("DRIVER", "fast"))
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/v1/drivers/fast/locations"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        answers.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 4; i++) {
            socket.sendText("{\"lat\":32.1,\"lng\":34.8,\"n\":" + i + "}", true).get(5, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> answers.size() == 2);
        assertThat(answers).allSatisfy(answer -> assertThat(answer).contains("rate limited"));
        assertThat(positions.nextMessage(Duration.ofSeconds(2))).isNotNull();
        assertThat(positions.nextMessage(Duration.ofSeconds(2))).isNotNull();
        assertThat(positions.nextMessage(Duration.ofMillis(500))).as("only the burst was published").isNull();
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        positions.unsubscribe();
    }
}
