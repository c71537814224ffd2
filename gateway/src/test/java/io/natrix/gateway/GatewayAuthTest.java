package io.natrix.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.natrix.Actor;
import io.natrix.Natrix;
import io.natrix.RequestContext;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gateway's rules for who may call, over real HTTP and WebSocket, with services on a real nats-server. */
class GatewayAuthTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    @TempDir
    static Path dir;

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    static Natrix natrix;
    static Gateway gateway;
    static String base;
    static String rider;
    static String driver;
    static String admin;

    @BeforeAll
    static void start() {
        TokenKeys keys = TokenKeys.reuse(dir.resolve("tokens"));
        TokenIssuer issuer = TokenIssuer.load(keys.signingKey());
        rider = issuer.issue(new Actor("RIDER", "r-1"), Duration.ofHours(1)).value();
        driver = issuer.issue(new Actor("DRIVER", "d-1"), Duration.ofHours(1)).value();
        admin = issuer.issue(new Actor(Actor.ADMIN, "ops"), Duration.ofHours(1)).value();
        natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).drainTimeout(Duration.ofSeconds(2)).connect();
        // the service answers with what it received and who the request acts for
        natrix.service("echo").endpoint("Echo", Map.class, request -> Map.of("request", request,
                "actor", RequestContext.current().flatMap(c -> c.header(RequestContext.ACTOR)).orElse("none"))).start();
        gateway = Gateway.builder(natrix).port(0)
                .authentication(TokenVerifier.load(keys.publicKeys()))
                .browserLogin("/admin")
                .route(Route.post("/v1/riders", "ms.echo.Echo").access(Access.open()))
                .route(Route.get("/v1/anything", "ms.echo.Echo"))
                .route(Route.get("/v1/riders/{riderId}/profile", "ms.echo.Echo").access(Access.roles("RIDER", Actor.ADMIN).owner("riderId")))
                .route(Route.post("/v1/rides", "ms.echo.Echo").access(Access.roles("RIDER").actor("riderId")))
                .page("/admin", "text/html", "<h1>ops</h1>".getBytes(), Access.roles(Actor.ADMIN))
                .route(Route.get("/admin/data", "ms.echo.Echo").access(Access.roles(Actor.ADMIN)))
                .stream(StreamRoute.publish("/v1/drivers/{driverId}/locations", "ms.pos.{driverId}")
                        .access(Access.roles("DRIVER").owner("driverId")))
                .ingestPort(0)
                .start();
        base = "http://127.0.0.1:" + gateway.port();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        natrix.close();
    }

    static HttpResponse<String> send(String method, String path, String token, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void withoutAValidTokenEveryUndeclaredRouteIs401WithAChallenge() throws Exception {
        HttpResponse<String> none = send("GET", "/v1/anything", null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"natrix\"");
        assertThat(json(none).get("message").asText()).contains("needs a bearer token");
        assertThat(json(none).get("requestId").asText()).isNotBlank();

        HttpResponse<String> bad = send("GET", "/v1/anything", "not.a.token", null);
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"natrix\", error=\"invalid_token\"");
        assertThat(json(bad).get("message").asText()).isEqualTo("the token is not valid: malformed");

        HttpResponse<String> basic = send("GET", "/v1/anything", null, null, "Authorization", "Basic YWRtaW46YWRtaW4=");
        assertThat(basic.statusCode()).isEqualTo(401);

        assertThat(send("POST", "/v1/riders", null, "{\"name\":\"Ada\"}").statusCode()).as("declared open").isEqualTo(200);
        assertThat(send("GET", "/v1/anything", rider, null).statusCode()).as("any valid token").isEqualTo(200);
        assertThat(send("GET", "/v1/nowhere", null, null).statusCode()).as("unknown paths stay 404").isEqualTo(404);
    }

    @Test
    void aPathIdMustBeTheTokensSubjectAndTheRoleMustFit() throws Exception {
        assertThat(send("GET", "/v1/riders/r-1/profile", rider, null).statusCode()).isEqualTo(200);
        HttpResponse<String> other = send("GET", "/v1/riders/r-2/profile", rider, null);
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(json(other).get("message").asText()).isEqualTo("the token is for rider r-1, not r-2");
        HttpResponse<String> wrongRole = send("GET", "/v1/riders/d-1/profile", driver, null);
        assertThat(wrongRole.statusCode()).isEqualTo(403);
        assertThat(json(wrongRole).get("message").asText()).isEqualTo("this route is for admins or riders; the token is a driver's");
        assertThat(send("GET", "/v1/riders/r-2/profile", admin, null).statusCode()).as("an admin acts for anyone here").isEqualTo(200);
    }

    @Test
    void theActorIsTheTokensNeverTheBodysNorAClientHeaders() throws Exception {
        HttpResponse<String> ride = send("POST", "/v1/rides", rider, "{\"riderId\":\"victim\",\"lat\":1}",
                "Natrix-Actor", "ADMIN:evil");
        assertThat(ride.statusCode()).isEqualTo(200);
        assertThat(json(ride).at("/request/riderId").asText()).isEqualTo("r-1");
        assertThat(json(ride).at("/request/lat").asInt()).isEqualTo(1);
        assertThat(json(ride).get("actor").asText()).isEqualTo("RIDER:r-1");
        assertThat(json(send("POST", "/v1/riders", null, "{}", "Natrix-Actor", "ADMIN:evil")).get("actor").asText())
                .as("an open route carries no actor, whatever the client says").isEqualTo("none");
    }

    @Test
    void aBrowserLogsInOnceAndTheCookieServesOnlyItsPath() throws Exception {
        assertThat(send("GET", "/admin", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/admin?token=forged", null, null).statusCode()).isEqualTo(401);

        HttpResponse<String> login = send("GET", "/admin?token=" + admin, null, null);
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location")).hasValue("/admin");
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly", "SameSite=Strict", "Path=/admin");
        String pair = cookie.split(";", 2)[0];

        assertThat(send("GET", "/admin", null, null, "Cookie", pair).body()).isEqualTo("<h1>ops</h1>");
        assertThat(send("GET", "/admin/data", null, null, "Cookie", pair).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/v1/anything", null, null, "Cookie", pair).statusCode()).as("API routes read no cookie").isEqualTo(401);
        String riderPair = send("GET", "/admin?token=" + rider, null, null).headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        assertThat(send("GET", "/admin/data", null, null, "Cookie", riderPair).statusCode()).as("a rider's cookie").isEqualTo(403);
    }

    /** The gateway's port, where Helidon reads each socket on a thread of its own, or its event-loop ingest port. */
    static int port(String which) {
        return which.equals("gateway") ? gateway.port() : gateway.ingestPort().orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "ingest"})
    void aWebSocketWithoutTheRightTokenIsNeverUpgradedAndPublishesNothing(String which) throws Exception {
        Subscription positions = natrix.nats().subscribe("ms.pos.>");
        natrix.nats().flush(Duration.ofSeconds(2));
        URI uri = URI.create("ws://127.0.0.1:" + port(which) + "/v1/drivers/d-1/locations");
        WebSocket.Listener quiet = new WebSocket.Listener() { };
        for (String token : new String[]{null, "forged", rider}) {
            WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
            if (token != null) {
                builder.header("Authorization", "Bearer " + token);
            }
            assertThatThrownBy(() -> builder.buildAsync(uri, quiet).join()).as("token " + token)
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
        }
        WebSocket.Builder other = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + driver);
        assertThatThrownBy(() -> other.buildAsync(URI.create("ws://127.0.0.1:" + port(which) + "/v1/drivers/d-2/locations"), quiet).join())
                .as("another driver's stream").hasCauseInstanceOf(WebSocketHandshakeException.class);

        WebSocket own = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + driver)
                .buildAsync(uri, quiet).get(10, TimeUnit.SECONDS);
        own.sendText("{\"lat\":32.1,\"lng\":34.8}", true).get(5, TimeUnit.SECONDS);
        Message first = positions.nextMessage(Duration.ofSeconds(5));
        assertThat(first).as("the owner's position").isNotNull();
        assertThat(first.getSubject()).as("the first message is the owner's: nothing came before it").isEqualTo("ms.pos.d-1");
        // whose it is, the subject says, filled from the verified path: an event carries no per-event headers
        assertThat(first.getHeaders()).as("no request id or actor on each event").isNull();
        own.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        positions.unsubscribe();
    }

    /** The status line of a request written by hand: the JDK's client will not send a foreign Host. */
    static String raw(String request) throws Exception {
        return raw(request, gateway.port());
    }

    static String raw(String request, int port) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void aForeignHostOrABrowsersForeignOriginIsRefused() throws Exception {
        assertThat(raw("GET /v1/anything HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer " + rider
                + "\r\nConnection: close\r\n\r\n")).as("DNS rebinding").contains(" 403");
        assertThat(raw("GET /v1/anything HTTP/1.1\r\nHost: localhost:" + gateway.port() + "\r\nAuthorization: Bearer " + rider
                + "\r\nConnection: close\r\n\r\n")).as("a loopback name").contains(" 200");
        String upgrade = "GET /v1/drivers/d-1/locations HTTP/1.1\r\nHost: 127.0.0.1:" + gateway.port()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " + driver + "\r\n";
        // Helidon refuses a WebSocket upgrade with 400 whatever the reason; the ingest port says 403 as REST does
        assertThat(raw(upgrade + "Origin: http://evil.example\r\n\r\n", gateway.ingestPort().orElseThrow())).contains(" 403");
        for (int port : new int[]{gateway.port(), gateway.ingestPort().orElseThrow()}) {
            assertThat(raw(upgrade + "Origin: http://evil.example\r\n\r\n", port)).as("a page elsewhere").doesNotContain(" 101");
            assertThat(raw(upgrade + "Origin: http://127.0.0.1:" + gateway.port() + "\r\n\r\n", port)).as("the gateway's own page")
                    .contains(" 101");
            assertThat(raw(upgrade + "\r\n", port)).as("no Origin: not a browser").contains(" 101");
            assertThat(raw(upgrade.replace("Host: 127.0.0.1", "Host: evil.example") + "\r\n", port)).as("DNS rebinding")
                    .doesNotContain(" 101");
        }
    }
}
