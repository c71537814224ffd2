package io.natrix.ride.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Stream;

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
    }

    private final HttpClient client;
    private final String base;
    private final SimStats stats;

    SimHttp(HttpClient client, String base, SimStats stats) {
        this.client = client;
        this.base = base;
        this.stats = stats;
    }

    String base() {
        return base;
    }

    HttpClient client() {
        return client;
    }

    /**
     * A JSON call. Like a mobile app, it tries once more after a 503 or 429 (the gateway says nothing was done
     * and when to come back, at most a second here).
     */
    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        stats.requests.increment();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 503 || response.statusCode() == 429) {
            long seconds = response.headers().firstValueAsLong("Retry-After").orElse(1);
            Thread.sleep(Duration.ofMillis(Math.min(1_000, Math.max(100, seconds * 1_000))));
            stats.retries.increment();
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        if (response.statusCode() != 200) {
            throw new Refused("POST " + base + path, response.statusCode(), response.body());
        }
        return JSON.readTree(response.body());
    }

    /**
     * A sign-up, as an app does it: a failure that is not the app's own fault (no answer, or a 5xx) is tried
     * again with a growing pause, up to {@code attempts} times in all, each retry counted.
     */
    JsonNode signUp(String path, Object body, int attempts) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return post(path, body);
            } catch (IOException failed) {
                boolean appsFault = failed instanceof Refused refused && refused.status() < 500;
                if (appsFault || attempt >= attempts) {
                    throw failed;
                }
                stats.retries.increment();
                Thread.sleep(Math.min(5_000, 250L << attempt));
            }
        }
    }

    /** A JSON GET: the answer, or {@link Refused} with the status. */
    JsonNode get(String path) throws IOException, InterruptedException {
        stats.requests.increment();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + path))
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
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + path))
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

    /** A long-lived stream of lines (NDJSON, or SSE when {@code sse}). */
    Stream<String> lines(String path, boolean sse) throws IOException, InterruptedException {
        stats.requests.increment();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (sse) {
            request.header("Accept", "text/event-stream");
        }
        HttpResponse<Stream<String>> response = client.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new Refused("GET " + base + path, response.statusCode(), "");
        }
        return response.body();
    }
}
