package io.natrix.ride.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The simulator as several processes ({@link SimWorker}), for a fleet whose sockets one process may not hold:
 * the fleet is shared out evenly (the workers' shares differ by one at most, each spread over every gateway),
 * every worker is measured over the same window, and what they saw is added up: counts and rates summed,
 * histograms merged, online agents summed. Each worker watches its stdin, a pipe only this
 * process holds, and ends when it closes, so no worker outlives this process however it dies.
 */
public final class SimulatorProcesses implements AutoCloseable {

    private record Worker(Process process, PrintStream commands, BufferedReader answers, Path log) {
    }

    private final List<Worker> workers = new ArrayList<>();
    private int drivers;
    private int riders;

    private SimulatorProcesses() {
    }

    /**
     * Starts {@code count} workers against {@code gateways}, each a JVM with this one's class path and
     * {@code jvmOptions}; their logs (stderr) go to {@code logs}.
     */
    public static SimulatorProcesses start(int count, List<String> gateways, List<String> jvmOptions, Path logs) throws IOException {
        return start(count, gateways, List.of(), jvmOptions, logs);
    }

    /** The same, the drivers' location sockets at each gateway's {@code ingest} address (one per gateway). */
    public static SimulatorProcesses start(int count, List<String> gateways, List<String> ingest, List<String> jvmOptions, Path logs)
            throws IOException {
        SimulatorProcesses started = new SimulatorProcesses();
        try {
            String java = ProcessHandle.current().info().command().orElse("java");
            for (int k = 0; k < count; k++) {
                List<String> command = new ArrayList<>(List.of("/usr/bin/setsid", java));
                command.addAll(jvmOptions);
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), SimWorker.class.getName(),
                        String.join(",", gateways), Integer.toString(k * 1_000_000)));
                if (!ingest.isEmpty()) {
                    command.add(String.join(",", ingest));
                }
                Path log = logs.resolve("sim-worker-" + (k + 1) + ".log");
                Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
                started.workers.add(new Worker(process, new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8),
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), log));
            }
            return started;
        } catch (IOException | RuntimeException failed) {
            started.close();
            throw failed;
        }
    }

    /** The workers' processes, for their CPU. */
    public List<ProcessHandle> processes() {
        return workers.stream().map(worker -> worker.process().toHandle()).toList();
    }

    /** The workers' processes themselves (their exit codes, in tests). */
    List<Process> workers() {
        return workers.stream().map(Worker::process).toList();
    }

    /** Grows the whole fleet to {@code drivers} and {@code riders}, shared out over the workers. */
    public void grow(int drivers, int riders) throws IOException {
        this.drivers = Math.max(this.drivers, drivers);
        this.riders = Math.max(this.riders, riders);
        for (int k = 0; k < workers.size(); k++) {
            send(k, "grow " + share(this.drivers, k) + " " + share(this.riders, k));
        }
        for (int k = 0; k < workers.size(); k++) {
            answer(k);
        }
    }

    /** Worker {@code k}'s part of {@code total}: as many as the agents {@code i < total} with {@code i % n == k}. */
    int share(int total, int k) {
        int n = workers.size();
        return total / n + (k < total % n ? 1 : 0);
    }

    /** The running totals of every worker, added up. */
    public Simulator.Counters counters() throws IOException {
        List<Simulator.Counters> each = new ArrayList<>();
        for (int k = 0; k < workers.size(); k++) {
            send(k, "counters");
        }
        for (int k = 0; k < workers.size(); k++) {
            each.add(SimWorker.counters(answer(k)));
        }
        return sum(each);
    }

    /** Every worker watches the same {@code length}; what they saw, added up. */
    public Simulator.Window measure(Duration length) throws IOException {
        for (int k = 0; k < workers.size(); k++) {
            send(k, "measure " + length.toSeconds());
        }
        List<Simulator.Window> each = new ArrayList<>();
        for (int k = 0; k < workers.size(); k++) {
            each.add(SimWorker.window(answer(k)));
        }
        return merge(each);
    }

    /** The first error of each cause, over the workers. */
    public String firstOfEach() throws IOException {
        List<String> firsts = new ArrayList<>();
        for (int k = 0; k < workers.size(); k++) {
            send(k, "first");
            String first = answer(k).path("first").asText();
            if (!first.isEmpty()) {
                firsts.add(first);
            }
        }
        return String.join(" | ", firsts);
    }

    private void send(int k, String command) {
        workers.get(k).commands().println(command);
    }

    private JsonNode answer(int k) throws IOException {
        Worker worker = workers.get(k);
        JsonNode answer = SimWorker.answer(worker.answers().readLine());
        if (answer.has("error")) {
            throw new IOException("simulator worker " + (k + 1) + ": " + answer.get("error").asText() + " (log: " + worker.log() + ")");
        }
        return answer;
    }

    static Simulator.Counters sum(List<Simulator.Counters> each) {
        Simulator.Counters total = new Simulator.Counters(0, 0, 0, 0, 0, 0, 0, Map.of(), 0, 0, Map.of(), "", Map.of());
        for (Simulator.Counters one : each) {
            total = new Simulator.Counters(total.requests() + one.requests(), total.retries() + one.retries(),
                    total.errors() + one.errors(), total.errorLines() + one.errorLines(),
                    total.locationUpdates() + one.locationUpdates(), total.nearbyUpdates() + one.nearbyUpdates(),
                    total.nearbyWithDrivers() + one.nearbyWithDrivers(), plus(total.nearbyByEstimator(), one.nearbyByEstimator()),
                    total.ridesAccepted() + one.ridesAccepted(), total.ridesCompleted() + one.ridesCompleted(),
                    plus(total.errorsByCause(), one.errorsByCause()), one.lastError().isEmpty() ? total.lastError() : one.lastError(),
                    plus(total.rideErrorsByHome(), one.rideErrorsByHome()));
        }
        return total;
    }

    static Simulator.Window merge(List<Simulator.Window> each) {
        Histogram freshness = new Histogram(3_600_000, 3);
        Histogram positionAge = new Histogram(3_600_000, 3);
        Histogram nearbyGap = new Histogram(3_600_000, 3);
        int driversOnline = 0;
        int ridersOnline = 0;
        double locations = 0;
        double nearby = 0;
        long answers = 0;
        long withDrivers = 0;
        long accepted = 0;
        long completed = 0;
        long errors = 0;
        Map<String, Long> estimators = Map.of();
        Map<String, Long> causes = Map.of();
        String lastError = "";
        for (Simulator.Window one : each) {
            freshness.add(one.freshness());
            positionAge.add(one.positionAge());
            nearbyGap.add(one.nearbyGap());
            driversOnline += one.driversOnline();
            ridersOnline += one.ridersOnline();
            locations += one.locationsPerSecond();
            nearby += one.nearbyPerSecond();
            answers += one.nearbyAnswers();
            withDrivers += one.nearbyWithDrivers();
            accepted += one.ridesAccepted();
            completed += one.ridesCompleted();
            errors += one.errors();
            estimators = plus(estimators, one.nearbyByEstimator());
            causes = plus(causes, one.errorsByCause());
            lastError = one.lastError().isEmpty() ? lastError : one.lastError();
        }
        Duration length = each.isEmpty() ? Duration.ZERO : each.getFirst().length();
        return new Simulator.Window(length, driversOnline, ridersOnline, locations, nearby, answers, withDrivers, estimators,
                freshness, positionAge, nearbyGap, accepted, completed, errors, causes, lastError);
    }

    private static Map<String, Long> plus(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> sum = new LinkedHashMap<>(a);
        b.forEach((key, count) -> sum.merge(key, count, Long::sum));
        return sum;
    }

    /**
     * Ends every worker: its stdin closes, its agents stop and it exits (0), or halts (2) after
     * {@value SimWorker#STOPPING} ms if stopping them hangs; one still running after 10 s is killed.
     */
    @Override
    public void close() {
        workers.forEach(worker -> worker.commands().close());
        for (Worker worker : workers) {
            try {
                if (!worker.process().waitFor(10, TimeUnit.SECONDS)) {
                    worker.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                worker.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A folder for the workers' logs. */
    public static Path logs() throws IOException {
        return Files.createTempDirectory("natrix-sim-workers-");
    }
}
