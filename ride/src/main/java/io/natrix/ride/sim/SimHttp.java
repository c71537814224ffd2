package io.natrix.ride.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** The simulator's side of the HTTP API: JSON calls and line streams, against one gateway. */
final class SimHttp {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The gateway answered, with a status that is not 200. */
    static final class Refused extends IOException {
        private final int status;

        Refused(String what, int status, String body) {
            super(what + " → " + status + (body.isEmpty() ? "" : " " + body));
            this.status = status;
        }

        int status() {
            return status;
        }

        /**
         * Whether the app itself asked wrongly (a 4xx other than 429), so sending it again would be refused again;
         * no answer, a 5xx or a 429 is the system's trouble, worth another try.
         */
        boolean appsOwnFault() {
            return status < 500 && status != 429;
        }
    }

    /** How many times a ride operation is sent before its failure is the app's error. */
    static final int ATTEMPTS = 4;

    private final HttpClient client;
    private final SimSockets sockets;
    private final Optional<InetAddress> source;
    private final String base;
    private final String webSockets;
    private final SimStats stats;
    private final Optional<String> token;
    private final String userId;

    /**
     * Calls through {@code client}, long-lived streams through {@code sockets} from {@code source} (the client's
     * own local address, when it has one), against the gateway at {@code base}; its WebSockets at
     * {@code webSockets} ({@code ws://}: the gateway's own port, or its ingest port).
     */
    SimHttp(HttpClient client, SimSockets sockets, Optional<InetAddress> source, String base, String webSockets, SimStats stats) {
        this(client, sockets, source, base, webSockets, stats, Optional.empty(), "");
    }

    /** The same, its WebSockets on the gateway's own port. */
    SimHttp(HttpClient client, SimSockets sockets, Optional<InetAddress> source, String base, SimStats stats) {
        this(client, sockets, source, base, base.replaceFirst("^http", "ws"), stats);
    }

    private SimHttp(HttpClient client, SimSockets sockets, Optional<InetAddress> source, String base, String webSockets,
                    SimStats stats, Optional<String> token, String userId) {
        this.client = client;
        this.sockets = sockets;
        this.source = source;
        this.base = base;
        this.webSockets = webSockets;
        this.stats = stats;
        this.token = token;
        this.userId = userId;
    }

    /** The same, for the user {@code id}. */
    SimHttp named(String id) {
        return new SimHttp(client, sockets, source, base, webSockets, stats, token, id);
    }

    /** The user these requests are for; empty before sign-up. */
    String userId() {
        return userId;
    }

    /**
     * The same gateway for a signed-up user: every request carries the token its sign-up answered with
     * ({@code Authorization: Bearer}); none when the gateway gave none (an open gateway).
     */
    SimHttp as(JsonNode signUp) {
        JsonNode given = signUp.path("token");
        return given.isTextual() ? new SimHttp(client, sockets, source, base, webSockets, stats, Optional.of(given.asText()), userId) : this;
    }

    /** The same user, its requests counted in {@code counts}. */
    SimHttp countedIn(SimStats counts) {
        return new SimHttp(client, sockets, source, base, webSockets, counts, token, userId);
    }

    /** The same user at another gateway (its WebSockets on that gateway's own port). */
    SimHttp at(String gateway) {
        return new SimHttp(client, sockets, source, gateway, gateway.replaceFirst("^http", "ws"), new SimStats(), token, userId);
    }

    /** The token this user's requests carry, if any. */
    Optional<String> token() {
        return token;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
        return request;
    }

    /**
     * Opens the WebSocket at {@code path} (on the gateway's port or its ingest port), carrying the token on its
     * upgrade; what the gateway says on it goes to {@code answers}, on the event loop.
     */
    LocationSocket webSocket(String path, java.util.function.Consumer<String> answers) throws IOException, InterruptedException {
        return sockets.openLocations(URI.create(webSockets + path), token, source, answers);
    }

    /** The long-lived connections' event loop, which also ticks the drivers. */
    SimSockets sockets() {
        return sockets;
    }

    String base() {
        return base;
    }

    HttpClient client() {
        return client;
    }

    /**
     * A ride operation, as an app does it: one request id ({@code X-Request-Id}) for the operation, and a failure
     * that is not the app's own fault (no answer, a 5xx, a 429) sent again with the same id after a growing
     * pause (the gateway's {@code Retry-After} when it gives one), up to {@value #ATTEMPTS} times in all, each
     * retry counted. The same id makes the repeat harmless: the services answer it as they answered the first.
     */
    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return post(path, body, ATTEMPTS);
    }

    /** As {@link #post(String, Object)}, with {@code attempts} in all. */
    JsonNode post(String path, Object body, int attempts) throws IOException, InterruptedException {
        HttpRequest request = request(path)
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("X-Request-Id", UUID.randomUUID().toString().replace("-", ""))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        stats.requests.increment();
        for (int attempt = 1; ; attempt++) {
            long pauseMillis = Math.min(5_000, 125L << attempt);
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return JSON.readTree(response.body());
                }
                Refused refused = new Refused("POST " + base + path, response.statusCode(), response.body());
                if (refused.appsOwnFault() || attempt >= attempts) {
                    throw refused;
                }
                pauseMillis = Math.max(pauseMillis, Math.min(1_000,
                        response.headers().firstValueAsLong("Retry-After").orElse(0) * 1_000));
            } catch (Refused appsFaultOrLast) {
                throw appsFaultOrLast;
            } catch (IOException noAnswer) {
                if (attempt >= attempts) {
                    throw noAnswer;
                }
            }
            stats.retries.increment();
            Thread.sleep(pauseMillis);
        }
    }

    /** The pause before an agent that could not get in (sign-up, going online) tries again. */
    static final Duration REJOIN_PAUSE = Duration.ofSeconds(5);

    /**
     * As an app that cannot get in: {@link #post(String, Object, int)} with 5 attempts, and when they all fail
     * (no answer, a 5xx or 429), the failure counted as {@code who}'s error and the whole tried again after
     * {@link #REJOIN_PAUSE}, until it is accepted or the agent is stopped. A refusal that is the app's own
     * fault (another 4xx) is not tried again. {@code onFailure} runs after each failure.
     */
    JsonNode postUntilAccepted(String path, Object body, String who, Runnable onFailure)
            throws IOException, InterruptedException {
        while (true) {
            try {
                return post(path, body, 5);
            } catch (Refused refused) {
                if (refused.appsOwnFault()) {
                    throw refused;
                }
                stats.error(who, refused);
            } catch (IOException noAnswer) {
                stats.error(who, noAnswer);
            }
            onFailure.run();
            Thread.sleep(REJOIN_PAUSE);
        }
    }

    /** A JSON GET: the answer, or {@link Refused} with the status. */
    JsonNode get(String path) throws IOException, InterruptedException {
        stats.requests.increment();
        HttpResponse<String> response = client.send(request(path)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new Refused("GET " + base + path, response.statusCode(), response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Whether a GET finds the resource (200), retrying a few times through 503s; false on 404. */
    boolean exists(String path) throws InterruptedException {
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                HttpResponse<String> response = client.send(request(path)
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return true;
                }
                if (response.statusCode() == 404) {
                    return false;
                }
            } catch (IOException e) {
                // try again
            }
            Thread.sleep(500);
        }
        return false;
    }

    /**
     * A long-lived stream of lines (NDJSON, or SSE when {@code sse}) once the gateway answered 200; every line
     * goes to {@code lines} on the event loop, which must not block.
     */
    LineStream lines(String path, boolean sse, java.util.function.Consumer<String> lines) throws IOException, InterruptedException {
        stats.requests.increment();
        return sockets.openLines(URI.create(base + path), token, source, sse, lines);
    }
}
