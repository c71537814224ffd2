package io.natrix.ride;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The demo smoke run's look at the dashboard: the page is served, and its live stream brings a snapshot with
 * drivers on the map. (Rendering is checked in a real browser by {@code DashboardTest}.)
 */
final class DashboardCheck {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    private DashboardCheck() {
    }

    /** Null when the dashboard works, else what is wrong. */
    static String problem(String gateway) {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(WITHIN).build()) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(gateway + "/dashboard")).timeout(WITHIN).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (page.statusCode() != 200 || !page.body().contains("<canvas")) {
                return "GET /dashboard answered " + page.statusCode();
            }
            HttpResponse<InputStream> live = http.send(HttpRequest.newBuilder(URI.create(gateway + "/dashboard/live"))
                    .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(live.body(), StandardCharsets.UTF_8))) {
                long giveUp = System.nanoTime() + WITHIN.toNanos();
                for (String line = lines.readLine(); line != null && System.nanoTime() < giveUp; line = lines.readLine()) {
                    if (line.startsWith("data: ") && line.contains("\"drivers\":[{")) {
                        return null;
                    }
                }
            }
            return "no snapshot with drivers on /dashboard/live within " + WITHIN.toSeconds() + " s";
        } catch (Exception e) {
            return e.toString();
        }
    }
}
