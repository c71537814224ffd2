package io.natrix.ride.harness;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo smoke run's look at every process's NATS permission violations, from the metric each one serves
 * ({@code natrix_nats_permission_violations_total}): a normal run refuses nobody anything, so any count is a gap
 * in {@code RidePermissions}, or a process doing what it must not.
 */
final class ViolationsCheck {

    private static final String METRIC = "natrix_nats_permission_violations_total";

    private ViolationsCheck() {
    }

    /** Empty when no process was refused anything, else each process with a count, or whose metrics could not be read. */
    static List<String> problems(List<RideProcesses.Instance> instances) {
        List<String> problems = new ArrayList<>();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            for (RideProcesses.Instance instance : instances) {
                if (instance.metrics().isEmpty()) {
                    problems.add(instance.name() + ": serves no metrics");
                    continue;
                }
                try {
                    String body = http.send(HttpRequest.newBuilder(URI.create(instance.metrics())).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    double count = body.lines().filter(line -> line.startsWith(METRIC))
                            .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
                    if (!body.contains(METRIC)) {
                        problems.add(instance.name() + ": no " + METRIC + " in its metrics");
                    } else if (count > 0) {
                        problems.add(instance.name() + ": " + (long) count + " permission violations (its log says which)");
                    }
                } catch (Exception e) {
                    problems.add(instance.name() + ": its metrics could not be read (" + e + ")");
                }
            }
        }
        return problems;
    }
}
