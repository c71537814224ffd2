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
            throw new IOException("POST " + path + " → " + response.statusCode() + " " + response.body());
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
            throw new IOException("GET " + path + " → " + response.statusCode());
        }
        return response.body();
    }
}
