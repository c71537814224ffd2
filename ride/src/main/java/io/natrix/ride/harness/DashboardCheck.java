package io.natrix.ride.harness;

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

    /**
     * Null when the dashboard works, else what is wrong. With an admin token, the way a browser goes: the login
     * link answers a cookie, and the page and its live stream are reached with the cookie alone.
     */
    static String problem(String gateway, java.util.Optional<String> adminToken) {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(WITHIN).build()) {
            String cookie = "";
            if (adminToken.isPresent()) {
                HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(gateway + "/dashboard?token=" + adminToken.get()))
                        .timeout(WITHIN).build(), HttpResponse.BodyHandlers.ofString());
                cookie = login.headers().firstValue("Set-Cookie").map(value -> value.split(";", 2)[0]).orElse("");
                if (login.statusCode() != 303 || cookie.isEmpty()) {
                    return "the admin's login link answered " + login.statusCode() + " without a cookie";
                }
                HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(gateway + "/dashboard/live")).timeout(WITHIN)
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (anonymous.statusCode() != 401) {
                    return "GET /dashboard/live without the cookie answered " + anonymous.statusCode() + ", not 401";
                }
            }
            HttpRequest.Builder pageRequest = HttpRequest.newBuilder(URI.create(gateway + "/dashboard")).timeout(WITHIN);
            HttpRequest.Builder liveRequest = HttpRequest.newBuilder(URI.create(gateway + "/dashboard/live"))
                    .header("Accept", "text/event-stream");
            if (!cookie.isEmpty()) {
                pageRequest.header("Cookie", cookie);
                liveRequest.header("Cookie", cookie);
            }
            HttpResponse<String> page = http.send(pageRequest.build(), HttpResponse.BodyHandlers.ofString());
            if (page.statusCode() != 200 || !page.body().contains("<canvas")) {
                return "GET /dashboard answered " + page.statusCode();
            }
            HttpResponse<InputStream> live = http.send(liveRequest.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(live.body(), StandardCharsets.UTF_8))) {
                long giveUp = System.nanoTime() + WITHIN.toNanos();
                for (String line = lines.readLine(); line != null && System.nanoTime() < giveUp; line = lines.readLine()) {
                    if (line.startsWith("data: ") && !new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(line.substring("data: ".length())).path("drivers").isEmpty()) {
                        return null; // a snapshot with drivers on the map
                    }
                }
            }
            return "no snapshot with drivers on /dashboard/live within " + WITHIN.toSeconds() + " s";
        } catch (Exception e) {
            return e.toString();
        }
    }
}
