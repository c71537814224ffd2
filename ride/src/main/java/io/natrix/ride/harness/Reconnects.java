package io.natrix.ride.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.testkit.NatsServerProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How long each process took to reconnect after its NATS server died, as the servers themselves saw it: the
 * killed server's {@code /connz} names the processes connected to it (each connection is named after its
 * role and pid), and the survivors' {@code /connz} give the moment each of them connected again. Not a probe's
 * view: every process's own.
 */
final class Reconnects {

    /** One process that moved: its connection's name and how long after the kill it was connected again. */
    record Moved(String name, Duration after) {
    }

    /** Who moved and when, and who had not within the limit. */
    record Result(List<Moved> moved, Set<String> missing) {

        /** {@code 5 processes ... median 15 ms, slowest 40 ms (gateway-4242)}. */
        String describe() {
            if (moved.isEmpty() && missing.isEmpty()) {
                return "no process was connected to the killed server";
            }
            String said = moved.size() + " processes on the killed server reconnected to another";
            if (!moved.isEmpty()) {
                Moved slowest = moved.getLast();
                said += String.format(": median %d ms, slowest %d ms (%s)", moved.get(moved.size() / 2).after().toMillis(),
                        slowest.after().toMillis(), slowest.name());
            }
            return missing.isEmpty() ? said : said + "; NOT within the limit: " + String.join(", ", missing);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Reconnects() {
    }

    /** The names of the processes connected to {@code server} now. */
    static Set<String> connectedTo(NatsServerProcess server) throws IOException, InterruptedException {
        Set<String> names = new TreeSet<>();
        for (JsonNode connection : connections(server)) {
            String name = connection.path("name").asText("");
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * Waits, up to {@code limit}, until every one of {@code names} has a connection on one of {@code survivors}
     * that started after {@code killedAt}.
     */
    static Result await(Set<String> names, List<NatsServerProcess> survivors, Instant killedAt, Duration limit)
            throws InterruptedException {
        Map<String, Instant> again = new HashMap<>();
        long giveUp = System.nanoTime() + limit.toNanos();
        while (again.size() < names.size() && System.nanoTime() < giveUp) {
            for (NatsServerProcess server : survivors) {
                try {
                    for (JsonNode connection : connections(server)) {
                        String name = connection.path("name").asText("");
                        Instant started = Instant.parse(connection.path("start").asText(Instant.EPOCH.toString()));
                        if (names.contains(name) && started.isAfter(killedAt)) {
                            again.merge(name, started, (a, b) -> a.isBefore(b) ? a : b);
                        }
                    }
                } catch (IOException unreachable) {
                    // asked again on the next round
                }
            }
            Thread.sleep(100);
        }
        List<Moved> moved = new ArrayList<>(again.entrySet().stream()
                .map(e -> new Moved(e.getKey(), Duration.between(killedAt, e.getValue()))).toList());
        moved.sort(Comparator.comparing(Moved::after));
        Set<String> missing = new TreeSet<>(names);
        missing.removeAll(again.keySet());
        return new Result(moved, missing);
    }

    private static JsonNode connections(NatsServerProcess server) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.monitorUrl() + "/connz?limit=4096"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(server.monitorUrl() + "/connz answered " + response.statusCode());
        }
        return JSON.readTree(response.body()).path("connections");
    }
}
