package io.natrix.ride.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;

/**
 * A part of the simulator in a process of its own, for fleets whose sockets one process may not hold (this
 * machine lets a process open 20,000 files; a driver and a rider hold two sockets each). It reads commands on
 * stdin, one a line, and answers each with one JSON line on stdout:
 * <pre>
 * grow DRIVERS RIDERS   → {"grown":true}        (its own share of the fleet, as {@link Simulator#grow})
 * counters              → {...}                 ({@link Simulator#counters})
 * measure SECONDS       → {...}                 ({@link Simulator#measure}, histograms included)
 * first                 → {"first":"..."}       ({@link Simulator#firstOfEach})
 * </pre>
 * The end of stdin is the end of the worker: its agents stop and it exits, so a parent killed by any means
 * leaves no worker behind. Usage: {@code SimWorker GATEWAY[,GATEWAY...] FIRST_AGENT [INGEST[,INGEST...]]}, the last
 * each gateway's ingest address for the drivers' location sockets.
 */
public final class SimWorker {

    private SimWorker() {
    }

    public static void main(String[] args) throws Exception {
        List<String> gateways = Arrays.asList(args[0].split(","));
        int firstAgent = Integer.parseInt(args[1]);
        List<String> ingest = args.length > 2 ? Arrays.asList(args[2].split(",")) : List.of();
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // nothing else may write on the answers' line
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Simulator simulator = new Simulator(new Simulator.Options(gateways, ingest, 0, 0, 60, 12, Duration.ofDays(1)), firstAgent);
        for (String command = commands.readLine(); command != null; command = commands.readLine()) {
            String[] words = command.trim().split("\\s+");
            ObjectNode answer = SimHttp.JSON.createObjectNode();
            switch (words[0]) {
                case "grow" -> {
                    simulator.grow(Integer.parseInt(words[1]), Integer.parseInt(words[2]));
                    answer.put("grown", true);
                }
                case "counters" -> answer = counters(simulator.counters());
                case "measure" -> answer = window(simulator.measure(Duration.ofSeconds(Long.parseLong(words[1]))));
                case "first" -> answer.put("first", simulator.firstOfEach());
                default -> answer.put("error", "unknown command: " + command);
            }
            out.println(SimHttp.JSON.writeValueAsString(answer));
        }
        // stdin closed: the parent is done or gone. Stop the agents, and halt if that hangs, so that no worker
        // outlives its parent by more than a few seconds
        Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(STOPPING);
            } catch (InterruptedException ignored) {
                // halt all the same
            }
            Runtime.getRuntime().halt(2);
        });
        simulator.close();
        System.exit(0);
    }

    /** How long a worker whose stdin closed may take to stop its agents before it halts. */
    static final long STOPPING = 5_000;

    static ObjectNode counters(Simulator.Counters counters) {
        ObjectNode node = SimHttp.JSON.createObjectNode();
        node.put("requests", counters.requests()).put("retries", counters.retries()).put("errors", counters.errors())
                .put("errorLines", counters.errorLines()).put("locationUpdates", counters.locationUpdates())
                .put("nearbyUpdates", counters.nearbyUpdates()).put("nearbyWithDrivers", counters.nearbyWithDrivers())
                .put("ridesAccepted", counters.ridesAccepted()).put("ridesCompleted", counters.ridesCompleted())
                .put("lastError", counters.lastError());
        node.set("nearbyByEstimator", SimHttp.JSON.valueToTree(counters.nearbyByEstimator()));
        node.set("errorsByCause", SimHttp.JSON.valueToTree(counters.errorsByCause()));
        node.set("rideErrorsByHome", SimHttp.JSON.valueToTree(counters.rideErrorsByHome()));
        return node;
    }

    static Simulator.Counters counters(JsonNode node) {
        return new Simulator.Counters(node.get("requests").asLong(), node.get("retries").asLong(), node.get("errors").asLong(),
                node.get("errorLines").asLong(), node.get("locationUpdates").asLong(), node.get("nearbyUpdates").asLong(),
                node.get("nearbyWithDrivers").asLong(), counts(node.get("nearbyByEstimator")), node.get("ridesAccepted").asLong(),
                node.get("ridesCompleted").asLong(), counts(node.get("errorsByCause")), node.get("lastError").asText(),
                counts(node.get("rideErrorsByHome")));
    }

    static ObjectNode window(Simulator.Window window) {
        ObjectNode node = SimHttp.JSON.createObjectNode();
        node.put("lengthMillis", window.length().toMillis()).put("driversOnline", window.driversOnline())
                .put("ridersOnline", window.ridersOnline()).put("locationsPerSecond", window.locationsPerSecond())
                .put("nearbyPerSecond", window.nearbyPerSecond()).put("nearbyAnswers", window.nearbyAnswers())
                .put("nearbyWithDrivers", window.nearbyWithDrivers()).put("ridesAccepted", window.ridesAccepted())
                .put("ridesCompleted", window.ridesCompleted()).put("errors", window.errors()).put("lastError", window.lastError())
                .put("freshness", histogram(window.freshness())).put("positionAge", histogram(window.positionAge()))
                .put("nearbyGap", histogram(window.nearbyGap()));
        node.set("nearbyByEstimator", SimHttp.JSON.valueToTree(window.nearbyByEstimator()));
        node.set("errorsByCause", SimHttp.JSON.valueToTree(window.errorsByCause()));
        return node;
    }

    static Simulator.Window window(JsonNode node) {
        return new Simulator.Window(Duration.ofMillis(node.get("lengthMillis").asLong()), node.get("driversOnline").asInt(),
                node.get("ridersOnline").asInt(), node.get("locationsPerSecond").asDouble(), node.get("nearbyPerSecond").asDouble(),
                node.get("nearbyAnswers").asLong(), node.get("nearbyWithDrivers").asLong(), counts(node.get("nearbyByEstimator")),
                histogram(node.get("freshness").asText()), histogram(node.get("positionAge").asText()),
                histogram(node.get("nearbyGap").asText()), node.get("ridesAccepted").asLong(), node.get("ridesCompleted").asLong(),
                node.get("errors").asLong(), counts(node.get("errorsByCause")), node.get("lastError").asText());
    }

    private static Map<String, Long> counts(JsonNode node) {
        Map<String, Long> counts = new LinkedHashMap<>();
        node.properties().forEach(entry -> counts.put(entry.getKey(), entry.getValue().asLong()));
        return counts;
    }

    /** HdrHistogram's own compressed form, in base64. */
    private static String histogram(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }

    private static Histogram histogram(String encoded) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not a histogram: " + e.getMessage(), e);
        }
    }

    /** Reads one answer line of a worker. */
    static JsonNode answer(String line) throws IOException {
        if (line == null) {
            throw new IOException("the simulator worker ended without answering (see its log)");
        }
        return SimHttp.JSON.readTree(line);
    }
}
