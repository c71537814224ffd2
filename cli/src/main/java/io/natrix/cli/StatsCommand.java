package io.natrix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.service.EndpointStats;
import io.nats.service.StatsResponse;
import io.natrix.Natrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

@Command(name = "stats", description = {"Requests, errors and latency per endpoint, from $SRV.STATS.",
        "With --watch the table refreshes and shows req/s between refreshes."})
final class StatsCommand extends NatsCommand {

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "one service (default: all)")
    String name;

    @Option(names = "--watch", paramLabel = "INTERVAL", arity = "0..1", fallbackValue = "2s",
            converter = NatrixCli.Durations.class, description = "refresh every INTERVAL (default 2s) until Ctrl-C")
    Duration watch;

    @Option(names = "--count", paramLabel = "N", description = "with --watch: stop after N tables")
    int count = Integer.MAX_VALUE;

    @Option(names = "--instances", description = "a row per instance instead of per endpoint")
    boolean perInstance;

    @Option(names = "--json", description = "print JSON, for scripts (one line per refresh with --watch)")
    boolean json;

    /**
     * One row: an endpoint summed over its instances (or one instance's). p50 and p99 are the largest any
     * instance reports for its last window: the slowest instance is the one to look at.
     */
    record Row(String service, String endpoint, String instance, int instances, long requests, long errors,
               long processingNanos, long inFlight, long p50Nanos, long p99Nanos, Double requestsPerSecond) {

        String key() {
            return service + "/" + endpoint + "/" + instance;
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        try (Natrix natrix = cli.connect()) {
            Map<String, Row> previous = Map.of();
            long previousAt = 0;
            for (int shown = 0; shown < (watch == null ? 1 : count); shown++) {
                if (shown > 0) {
                    Thread.sleep(watch);
                }
                long now = System.nanoTime();
                List<StatsResponse> stats = asked(() -> name == null ? discovery(natrix).stats() : discovery(natrix).stats(name));
                if (stats.isEmpty() && watch == null) {
                    return name == null ? noServices() : nothing("no instance of '" + name + "' answered on "
                            + cli.servers() + ": `natrix ls` lists the services that run");
                }
                List<Row> rows = rows(stats, previous, (now - previousAt) / 1e9);
                print(rows, stats.size());
                Map<String, Row> byKey = new HashMap<>();
                rows.forEach(row -> byKey.put(row.key(), row));
                previous = byKey;
                previousAt = now;
            }
            return 0;
        }
    }

    private List<Row> rows(List<StatsResponse> stats, Map<String, Row> previous, double seconds) {
        Map<String, Row> rows = new TreeMap<>();
        for (StatsResponse instance : stats) {
            for (EndpointStats endpoint : instance.getEndpointStatsList()) {
                JsonNode data = tree(endpoint.getDataAsJson() == null ? null : endpoint.getDataAsJson().getBytes());
                Row row = new Row(instance.getName(), endpoint.getName(), perInstance ? instance.getId() : "", 1,
                        endpoint.getNumRequests(), endpoint.getNumErrors(), endpoint.getProcessingTime(),
                        data.path("in_flight").asLong(), data.path("p50_ns").asLong(), data.path("p99_ns").asLong(), null);
                rows.merge(row.key(), row, (a, b) -> new Row(a.service(), a.endpoint(), a.instance(),
                        a.instances() + b.instances(), a.requests() + b.requests(), a.errors() + b.errors(),
                        a.processingNanos() + b.processingNanos(), a.inFlight() + b.inFlight(),
                        Math.max(a.p50Nanos(), b.p50Nanos()), Math.max(a.p99Nanos(), b.p99Nanos()), null));
            }
        }
        List<Row> withRates = new ArrayList<>();
        for (Row row : rows.values()) {
            Row before = previous.get(row.key());
            Double rate = before == null || seconds <= 0 ? null : Math.max(0, row.requests() - before.requests()) / seconds;
            withRates.add(new Row(row.service(), row.endpoint(), row.instance(), row.instances(), row.requests(),
                    row.errors(), row.processingNanos(), row.inFlight(), row.p50Nanos(), row.p99Nanos(), rate));
        }
        return withRates;
    }

    private void print(List<Row> rows, int instances) {
        if (json) {
            printJsonLine(rows);
            return;
        }
        if (watch != null) {
            out().print("\033[H\033[2J"); // the terminal's top, cleared: the table stays in place
            out().println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "  " + cli.servers() + "  " + instances
                    + " instances, every " + watch.toMillis() / 1000.0 + " s (Ctrl-C stops)");
        }
        Table table = perInstance
                ? new Table("SERVICE", "ENDPOINT", "INSTANCE", "REQUESTS", "REQ/S", "ERRORS", "AVG", "P50", "P99", "IN-FLIGHT")
                : new Table("SERVICE", "ENDPOINT", "INSTANCES", "REQUESTS", "REQ/S", "ERRORS", "AVG", "P50", "P99", "IN-FLIGHT");
        for (Row row : rows) {
            table.row(row.service(), row.endpoint(), perInstance ? row.instance() : row.instances(), row.requests(),
                    row.requestsPerSecond() == null ? "-" : String.format("%.1f", row.requestsPerSecond()),
                    row.errors(), millis(row.requests() == 0 ? 0 : row.processingNanos() / row.requests()),
                    millis(row.p50Nanos()), millis(row.p99Nanos()), row.inFlight());
        }
        table.print(out());
    }
}
