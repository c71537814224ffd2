package io.natrix.bench;

import io.nats.client.Connection;
import io.natrix.ListenerOptions;
import io.natrix.Natrix;
import io.natrix.testkit.NatsServerProcess;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code natrix bench listeners [--events 1000000] [--rounds 5] [--listeners 1,3]}: what a broadcast event costs a
 * natrix listener on its virtual thread (the default), one declared {@code nonBlocking()} (run on the reader
 * thread) and a raw jnats dispatcher (jnats's own thread, the floor natrix builds on), side by side in one JVM:
 * deliveries per second and CPU µs per delivery of the whole process, whose raw jnats publisher is the same for
 * all (so the differences are the listeners'). No listener drops (natrix's never, jnats's unlimited).
 */
final class ListenerCostBench {

    private record Run(double deliveriesPerSecond, double cpuMicrosPerDelivery) {
    }

    /** The three ways a listener is run here. */
    private enum Way {
        DEFAULT("natrix, default (virtual thread)"),
        NON_BLOCKING("natrix, nonBlocking() (reader thread)"),
        RAW_JNATS("raw jnats dispatcher (its platform thread)");

        private final String label;

        Way(String label) {
            this.label = label;
        }
    }

    private static final String USAGE = "usage: natrix bench listeners [--events 1000000] [--rounds 5] [--listeners 1,3]";

    private ListenerCostBench() {
    }

    static void run(List<String> args) throws Exception {
        int events = 1_000_000;
        int rounds = 5;
        int[] listenerCounts = {1, 3};
        for (int i = 0; i + 1 < args.size(); i += 2) {
            switch (args.get(i)) {
                case "--events" -> events = Integer.parseInt(args.get(i + 1));
                case "--rounds" -> rounds = Rounds.requireOdd(Integer.parseInt(args.get(i + 1)));
                case "--listeners" -> listenerCounts = Arrays.stream(args.get(i + 1).split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException(USAGE);
            }
        }
        if (args.size() % 2 != 0) {
            throw new IllegalArgumentException(USAGE);
        }
        NatsServerProcess server = NatsServerProcess.start(1, false).getFirst();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Map<String, List<Run>> cells = new LinkedHashMap<>();
        try (Connection publisher = RawNats.connect(server.url(), "bench-listeners-publisher")) {
            System.out.printf("natrix bench listeners: nats-server %s, %d cores, java %s, %,d events of 16 B per cell, %d round(s)%n",
                    server.url(), Runtime.getRuntime().availableProcessors(), Runtime.version(), events, rounds);
            for (Way way : Way.values()) { // the JIT compiles every path before anything counts
                once(server.url(), publisher, os, 1, way, events);
            }
            for (int round = 0; round < rounds; round++) {
                for (int listeners : listenerCounts) {
                    for (int k = 0; k < Way.values().length; k++) {
                        Way way = Way.values()[(k + round) % Way.values().length]; // each goes first in turn
                        cells.computeIfAbsent(listeners + "@" + way, key -> new ArrayList<>())
                                .add(once(server.url(), publisher, os, listeners, way, events));
                    }
                }
            }
        } finally {
            server.stop();
        }
        System.out.println();
        System.out.println("| listener | listeners | deliveries/s | range | CPU µs per delivery (process) | range |");
        System.out.println("|---|---:|---:|---|---:|---|");
        for (int listeners : listenerCounts) {
            for (Way way : Way.values()) {
                List<Run> runs = cells.get(listeners + "@" + way);
                Run rate = Rounds.median(runs, Run::deliveriesPerSecond);
                Run cost = Rounds.median(runs, Run::cpuMicrosPerDelivery);
                System.out.printf("| %s | %d | %,.0f | %s | %.2f | %s |%n", way.label, listeners, rate.deliveriesPerSecond(),
                        Rounds.range(runs, Run::deliveriesPerSecond, "%,.0f"),
                        cost.cpuMicrosPerDelivery(), Rounds.range(runs, Run::cpuMicrosPerDelivery, "%.2f"));
            }
        }
    }

    private static Run once(String url, Connection publisher, com.sun.management.OperatingSystemMXBean os, int listeners,
                            Way way, int events) throws Exception {
        List<AutoCloseable> instances = new ArrayList<>();
        LongAdder delivered = new LongAdder();
        byte[] payload = new byte[16];
        try {
            for (int i = 0; i < listeners; i++) {
                if (way == Way.RAW_JNATS) {
                    Connection raw = RawNats.connect(url, "bench-listener");
                    instances.add(raw);
                    io.nats.client.Dispatcher dispatcher = raw.createDispatcher(message -> delivered.increment());
                    dispatcher.setPendingLimits(-1, -1);
                    dispatcher.subscribe("bench.listeners");
                    raw.flush(Duration.ofSeconds(5));
                    continue;
                }
                Natrix natrix = Natrix.builder().servers(url).connectionName("bench-listener").shutdownHook(false).connect();
                instances.add(natrix);
                ListenerOptions options = ListenerOptions.defaults().neverDrop();
                natrix.service("bench-listener").broadcastListener("bench.listeners", byte[].class, event -> delivered.increment(),
                        way == Way.NON_BLOCKING ? options.nonBlocking() : options).start();
            }
            long expected = (long) events * listeners;
            long cpu = os.getProcessCpuTime();
            long started = System.nanoTime();
            for (int i = 0; i < events; i++) {
                publisher.publish("bench.listeners", payload);
            }
            publisher.flush(Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (delivered.sum() < expected && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long cpuNanos = os.getProcessCpuTime() - cpu;
            if (delivered.sum() < expected) {
                throw new IllegalStateException("only " + delivered.sum() + " of " + expected + " deliveries within 60 s");
            }
            return new Run(expected / seconds, cpuNanos / 1e3 / expected);
        } finally {
            for (AutoCloseable instance : instances) {
                instance.close();
            }
        }
    }
}
