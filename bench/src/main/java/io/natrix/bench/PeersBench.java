package io.natrix.bench;

import io.natrix.testkit.Folders;
import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerProcess;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * {@code ./natrix bench peers}: the same echo service and the same broadcast in every stack this project is
 * measured against (natrix, raw jnats, Go with nats.go, Moleculer, HTTP), requester and responder in separate
 * processes for each, all on one nats-server, taking turns cell by cell. Prints a table per workload, the
 * issue's goals as same-run ratios, and writes a chart.
 */
final class PeersBench {

    private static final String GO = "Go nats.go";
    /** A JVM's compilers are quiet in a warm-up slice in which they used less than this share of one core. */
    private static final double QUIET_COMPILERS = 0.01;
    /** The most a peer warms up at one number of callers before the rounds, compilers quiet or not. */
    private static final Duration MOST_JIT_WARMUP = Duration.ofSeconds(30);
    /** The most a cell's own warm-up (--warmup-ms slices) runs on while the peer's compilers are busy. */
    private static final Duration MOST_CELL_WARMUP = Duration.ofSeconds(3);
    /** How long a training JVM of {@code --aot} may take to end: it assembles its cache first (about 5 s here). */
    private static final Duration AOT_CACHE_WRITE = Duration.ofSeconds(60);

    private PeersBench() {
    }

    /** One stack's request/reply: who asks and who answers, the processes whose CPU the round trips cost. */
    record RrPeer(String name, PeerProcess requester, PeerProcess responder, boolean overNats) {
    }

    /** One stack's broadcast: who publishes, the process holding its listener instances, and words its {@code listeners} command adds. */
    record BroadcastStack(String name, PeerProcess publisher, PeerProcess listeners, String listenerMode) {
    }

    /**
     * One peer in one cell. Latencies are corrected for coordinated omission ({@link Latencies}), with the p99
     * as recorded beside them; CPU is split into the requester's, the responder's and nats-server's seconds per
     * 10,000 round trips ({@code cpuPer10k} their sum); {@code perSecondRange} is the range over the rounds,
     * {@code roundsP99Micros} the median of the rounds' p99s and {@code slowCalls} the median of the rounds' calls
     * over 1 ms as recorded (of one round, its own).
     */
    record Cell(String peer, int callers, int payload, double perSecond, double p50Micros, double p99Micros,
                double p999Micros, double recordedP99Micros, long errors, double cpuPer10k, double requesterCpuPer10k,
                double responderCpuPer10k, double natsCpuPer10k, String perSecondRange, double roundsP99Micros,
                double slowCalls) {

        Cell withRounds(String range, double roundsP99, double roundsSlowCalls) {
            return new Cell(peer, callers, payload, perSecond, p50Micros, p99Micros, p999Micros, recordedP99Micros,
                    errors, cpuPer10k, requesterCpuPer10k, responderCpuPer10k, natsCpuPer10k, range, roundsP99,
                    roundsSlowCalls);
        }
    }

    static void run(List<String> args) throws Exception {
        Options options = Options.parse(args);
        // before anything starts: a host without huge pages free ends the run here, with what to do
        Optional<HugePages> hugePages = options.hugePages() ? Optional.of(HugePages.require()) : Optional.empty();
        Path root = root();
        Path keys = Files.createTempDirectory("natrix-peers-keys");
        Optional<NatsSecurity> security = options.secured()
                ? Optional.of(NatsSecurity.generate(keys, PeerSecurity.users())) : Optional.empty();
        NatsServerProcess nats = (security.isPresent() ? NatsServerProcess.start(1, false, 0, security.get())
                : NatsServerProcess.start(1, false)).getFirst();
        List<PeerProcess> processes = new CopyOnWriteArrayList<>();
        Optional<AotCaches> aot = options.aot() ? Optional.of(AotCaches.create()) : Optional.empty();
        // Ctrl-C or a timeout runs no finally block: a hook stops the peers and the server and removes the keys
        // and caches, or they would outlive the bench
        Thread cleanUp = Thread.ofPlatform().unstarted(() -> stopAndRemove(processes, nats, aot, hugePages, keys));
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try {
            System.out.printf("natrix bench peers: nats-server %s, %d cores, java %s, %s%n", nats.url(),
                    Runtime.getRuntime().availableProcessors(), Runtime.version(), options);
            Map<String, String> environment = new HashMap<>(
                    security.map(s -> PeerSecurity.environment(s, keys)).orElse(Map.of()));
            if (options.stallLog().isPresent()) {
                environment.put(StallLog.ENVIRONMENT, Files.createDirectories(options.stallLog().get()).toString());
            }
            Spawner spawner = new Spawner(processes, Stream.concat(options.jvm().stream(),
                    hugePages.map(HugePages::jvmOptions).orElse(List.of()).stream()).toList(), environment);
            if (aot.isPresent()) {
                Map<String, String> quiet = new HashMap<>(environment); // the training's slow calls are no one's
                quiet.remove(StallLog.ENVIRONMENT);
                // the JVM that assembles a cache prints its whole class path: the training's stderr goes to a file
                ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(aot.get().trainingLog().toFile());
                train(root, nats, options, spawner.withJarsAnd(new ArrayList<>(), aot.get().trainingOptions(), quiet, log),
                        aot.get());
                spawner = spawner.withJarsAnd(processes, aot.get().measuredOptions(), environment,
                        ProcessBuilder.Redirect.INHERIT);
            }
            Peers peers = Peers.start(root, nats, options, spawner);
            if (hugePages.isPresent()) {
                for (PeerProcess process : processes) {
                    if (process.java()) {
                        hugePages.get().check(process.name());
                    }
                }
                System.err.println("  --huge-pages: every JVM peer's heap is in huge pages");
            }
            if (!options.broadcastOnly()) {
                warmUp(peers.requestReply(), options);
                List<Cell> cells = requestReply(peers.requestReply(), nats, options);
                printRequestReply(cells, options);
                printGoals(cells, options);
                PeerCharts.write(cells, options.concurrency(), options.payloads(), options.chart());
                PeerCharts.writeCsv(cells, csvBeside(options.chart()));
                System.out.println();
                Path chart = options.chart().toAbsolutePath();
                System.out.println("Chart: " + (chart.startsWith(root) ? root.relativize(chart) : chart) + ", its data: "
                        + csvBeside(chart).getFileName());
            }
            broadcast(peers.broadcast(), options);
        } finally {
            if (withdrawn(cleanUp)) {
                stopAndRemove(processes, nats, aot, hugePages, keys);
            }
        }
    }

    /** Takes {@code hook} back; false when the JVM is shutting down already, and the hook does the work. */
    private static boolean withdrawn(Thread hook) {
        try {
            return Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }

    /** The peers, last first, then the server; then the run's keys and caches. Once is enough; twice is harmless. */
    private static void stopAndRemove(List<PeerProcess> processes, NatsServerProcess nats, Optional<AotCaches> aot,
                                      Optional<HugePages> hugePages, Path keys) {
        boolean interrupted = false;
        for (PeerProcess process : processes.reversed()) {
            try {
                process.close();
            } catch (InterruptedException e) {
                interrupted = true; // the others, the server and the files all the same
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        nats.stop();
        try {
            if (aot.isPresent()) {
                aot.get().delete();
            }
            if (hugePages.isPresent()) {
                hugePages.get().delete();
            }
            Folders.delete(keys);
        } catch (IOException e) {
            System.err.println("natrix bench peers: could not remove " + keys + ", the AOT caches or the page-size logs: "
                    + e.getMessage());
        }
    }

    /**
     * Every JVM compiles its hot paths before anything counts: each peer runs at every number of callers the run
     * measures for at least {@code --jit-warmup}, and on until a second in which its processes' JIT compilers were
     * quiet ({@link #QUIET_COMPILERS}), at most {@link #MOST_JIT_WARMUP}. Warmed for a fixed 3 s at 64 callers,
     * natrix's JVMs went on compiling (and recompiling one caller's paths after deoptimizations) in the measured
     * cells: a C2 thread used 60 % of a core through the first two seconds of a one-caller cell after a 2 s
     * warm-up, on a machine of two (perf sched; docs/bench/one-caller-2026-12-06). Go and Node have no such
     * threads: they get the minimum. Then every JVM collects its garbage in full once: its first young
     * collections, copying what it kept from its start-up, paused it 4-5 ms each (later ones under 1 ms), and a
     * cell that held one had a one-caller p99 of 0.7-1.3 ms where the others had 0.3-0.6.
     */
    private static void warmUp(List<RrPeer> peers, Options options) throws Exception {
        System.err.printf("  warming up every peer at each of %s callers: at least %d s, then until its compilers are quiet%n",
                Arrays.toString(options.concurrency()), options.jitWarmup().toSeconds());
        for (RrPeer peer : peers) {
            StringBuilder took = new StringBuilder();
            for (int callers : options.concurrency()) {
                Duration ran = runUntilCompiled(peer, callers, options.payloads()[0], Duration.ofSeconds(1),
                        options.jitWarmup(), MOST_JIT_WARMUP);
                took.append(String.format(" %d: %d s", callers, ran.toSeconds()));
            }
            System.err.printf("  warmed up %-38s callers%s%n", peer.name(), took);
        }
        for (RrPeer peer : peers) {
            peer.requester().collectGarbage();
            peer.responder().collectGarbage();
        }
    }

    /**
     * {@code --aot}'s training pass: the JVM peers the run measures start with {@link AotCaches#trainingOptions},
     * run the warm-up ({@link #warmUp}: each number of callers until their compilers are quiet), and end, each
     * writing its cache. Its own processes, closed before the measured ones start; no figure of it is printed.
     */
    private static void train(Path root, NatsServerProcess nats, Options options, Spawner training, AotCaches caches)
            throws Exception {
        System.err.println("  --aot: training the JVM peers on the warm-up; each writes its AOT cache as it ends");
        try {
            Peers peers = Peers.start(root, nats, options, training);
            warmUp(peers.requestReply().stream().filter(peer -> peer.requester().java() || peer.responder().java()).toList(),
                    options);
        } catch (Exception e) {
            throw new IllegalStateException("--aot: the training failed (" + e.getMessage() + "); its stderr ends:\n"
                    + caches.trainingLogTail(), e);
        } finally {
            for (PeerProcess process : training.all().reversed()) {
                process.close(AOT_CACHE_WRITE);
            }
        }
        for (PeerProcess process : training.all()) {
            if (process.java() && !Files.isRegularFile(caches.cacheOf(Spawner.fileName(process.name())))) {
                throw new IllegalStateException(process.name() + " wrote no AOT cache in its training; the training's"
                        + " stderr ends:\n" + caches.trainingLogTail());
            }
        }
    }

    /**
     * Runs the peer at {@code callers} in slices until one in which its processes' compilers were quiet, after at
     * least {@code least} and at most {@code most}; returns how long it ran.
     */
    private static Duration runUntilCompiled(RrPeer peer, int callers, int payload, Duration slice, Duration least,
                                             Duration most) throws IOException {
        Duration ran = Duration.ZERO;
        while (true) {
            double before = compilerSeconds(peer);
            peer.requester().send("rr " + callers + " " + slice.toMillis() + " " + payload);
            ran = ran.plus(slice);
            double compiled = compilerSeconds(peer) - before; // NaN or negative: a process or a compiler thread ended
            boolean quiet = compiled >= 0 && compiled < QUIET_COMPILERS * slice.toNanos() / 1e9;
            if (quiet && ran.compareTo(least) >= 0 || ran.compareTo(most) >= 0) {
                return ran;
            }
        }
    }

    private static double compilerSeconds(RrPeer peer) {
        return peer.requester().compilerSeconds() + peer.responder().compilerSeconds();
    }

    private static List<Cell> requestReply(List<RrPeer> peers, NatsServerProcess nats, Options options) throws Exception {
        List<Cell> cells = new ArrayList<>();
        java.util.Random order = new java.util.Random(42);
        Path latencies = Files.createTempFile("natrix-peer-latencies", ".txt");
        latencies.toFile().deleteOnExit(); // a run stopped midway (SIGTERM, Ctrl-C) leaves it too
        for (int round = 0; round < options.rounds(); round++) {
            for (int payload : options.payloads()) {
                for (int callers : options.concurrency()) {
                    // a fresh order every cell: no peer always follows the same one (its garbage, its caches)
                    List<RrPeer> shuffled = new ArrayList<>(peers);
                    java.util.Collections.shuffle(shuffled, order);
                    for (RrPeer peer : shuffled) {
                        Cell cell = measure(peer, callers, payload, nats, options, latencies);
                        cells.add(cell);
                        System.err.printf("  round %d  %-38s %5d callers %5d B  %,9.0f req/s  p99 %,9.0f us  over 1 ms %,6.0f  cpu/10k %.2f s%n",
                                round + 1, peer.name(), callers, payload, cell.perSecond(), cell.p99Micros(), cell.slowCalls(),
                                cell.cpuPer10k());
                    }
                }
            }
        }
        Files.deleteIfExists(latencies);
        List<String> names = peers.stream().map(RrPeer::name).toList();
        return medians(cells).stream().sorted(Comparator.comparingInt((Cell c) -> c.payload())
                .thenComparingInt(Cell::callers).thenComparingInt(c -> names.indexOf(c.peer()))).toList();
    }

    private static Cell measure(RrPeer peer, int callers, int payload, NatsServerProcess nats, Options options,
                                Path latencies) throws Exception {
        Duration warmedUp = runUntilCompiled(peer, callers, payload, options.warmup(), options.warmup(), MOST_CELL_WARMUP);
        if (warmedUp.compareTo(options.warmup()) > 0) {
            System.err.printf("  (%s at %d callers: warmed up %d ms, its compilers were busy)%n", peer.name(), callers,
                    warmedUp.toMillis());
        }
        double requesterBefore = peer.requester().cpuSeconds();
        double responderBefore = peer.responder().cpuSeconds();
        double natsBefore = PeerProcess.cpuSeconds(nats.pid());
        String[] r = peer.requester().send("rr " + callers + " " + options.measure().toMillis() + " " + payload + " " + latencies);
        double requester = peer.requester().cpuSeconds() - requesterBefore;
        double responder = peer.responder().cpuSeconds() - responderBefore;
        double server = peer.overNats() ? PeerProcess.cpuSeconds(nats.pid()) - natsBefore : 0;
        long count = Long.parseLong(r[0]);
        double seconds = Long.parseLong(r[5]) / 1e9;
        Histogram recorded = Latencies.read(latencies);
        Latencies.Percentiles percentiles = Latencies.of(recorded);
        // a stall at one caller's pace (a round trip about 200 µs); counted as recorded, before any correction
        long slowCalls = recorded.getCountBetweenValues(StallLog.SLOW_NANOS + 1, Latencies.HIGHEST_NANOS);
        double per10k = count == 0 ? Double.NaN : 10_000.0 / count;
        return new Cell(peer.name(), callers, payload, count / seconds, percentiles.correctedP50(),
                percentiles.correctedP99(), percentiles.correctedP999(), percentiles.p99(), Long.parseLong(r[1]),
                (requester + responder + server) * per10k, requester * per10k, responder * per10k, server * per10k, "",
                percentiles.correctedP99(), slowCalls);
    }

    /** Per peer and cell, the round with the median throughput, with the range over rounds. */
    private static List<Cell> medians(List<Cell> cells) {
        Map<String, List<Cell>> byCell = new LinkedHashMap<>();
        for (Cell cell : cells) {
            byCell.computeIfAbsent(cell.peer() + "@" + cell.callers() + "@" + cell.payload(), k -> new ArrayList<>()).add(cell);
        }
        return byCell.values().stream()
                .map(rounds -> Rounds.median(rounds, Cell::perSecond).withRounds(Rounds.range(rounds, Cell::perSecond, "%,.0f"),
                        Rounds.median(rounds, Cell::p99Micros).p99Micros(), Rounds.median(rounds, Cell::slowCalls).slowCalls()))
                .toList();
    }

    private static void printRequestReply(List<Cell> cells, Options options) {
        for (int payload : options.payloads()) {
            System.out.println();
            System.out.printf("Request/reply, %s payload, closed loop, the median round of %d (req/s range over rounds beside it);%n",
                    size(payload), options.rounds());
            System.out.println("p50/p99/p99.9 corrected for coordinated omission (expected interval: the run's median), the p99 as recorded");
            System.out.println("and the median of the rounds' p99s beside them; calls over 1 ms as recorded, the median of the rounds;");
            System.out.println("CPU seconds per 10,000 round trips: requester / responder / nats-server (HTTP: none);");
            System.out.println("\"vs Go\" = throughput / the faster Go row of the cell");
            System.out.println();
            System.out.println("| peer | callers | req/s | req/s over rounds | p50 µs | p99 µs | p99.9 µs | p99 as recorded µs"
                    + " | p99 µs, median of rounds | calls over 1 ms | errors | CPU s / 10k: requester / responder / nats | vs Go |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (int callers : options.concurrency()) {
                double go = bestGo(cells, callers, payload).map(Cell::perSecond).orElse(Double.NaN);
                for (Cell c : cells) {
                    if (c.callers() == callers && c.payload() == payload) {
                        System.out.printf("| %s | %,d | %,.0f | %s | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %d | %.2f / %.2f / %.2f | %s |%n",
                                c.peer(), callers, c.perSecond(), c.perSecondRange(), c.p50Micros(), c.p99Micros(),
                                c.p999Micros(), c.recordedP99Micros(), c.roundsP99Micros(), c.slowCalls(), c.errors(), c.requesterCpuPer10k(),
                                c.responderCpuPer10k(), c.natsCpuPer10k(),
                                Double.isNaN(go) ? "no Go row" : String.format("%.2f×", c.perSecond() / go));
                    }
                }
            }
        }
    }

    /** The issue's goals, each as a ratio of this run's cells. */
    private static void printGoals(List<Cell> cells, Options options) {
        System.out.println();
        System.out.println("Goals, as ratios in this run (natrix = natrix call with byte[] payloads; p99s corrected for coordinated omission,");
        System.out.println("each the median of its rounds' p99s: the median round by req/s carries whatever stall its 2 s met)");
        System.out.println();
        System.out.println("| payload | callers | natrix / Go req/s (≥ 1.0) | natrix p99 / Go p99 (≤ 1.5) | natrix / Moleculer (≥ 1.0) | natrix / raw jnats async (≥ 0.95 at 1024) | natrix / HTTP (≥ 2 at 256) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (int payload : options.payloads()) {
            for (int callers : options.concurrency()) {
                Optional<Cell> natrix = find(cells, Peers.NATRIX, callers, payload);
                Optional<Cell> go = bestGo(cells, callers, payload);
                if (natrix.isEmpty() || go.isEmpty()) {
                    continue;
                }
                Cell n = natrix.get();
                if (n.errors() > 0 || go.get().errors() > 0 || !(n.roundsP99Micros() > 0) || !(go.get().roundsP99Micros() > 0)) {
                    // a cell with failed calls or no latency recorded passes no goal
                    System.out.printf("| %s | %,d | not judged: errors %d / %d | | | | |%n", size(payload), callers,
                            n.errors(), go.get().errors());
                    continue;
                }
                System.out.printf("| %s | %,d | %.2f | %.2f | %s | %s | %s |%n", size(payload), callers,
                        n.perSecond() / go.get().perSecond(), n.roundsP99Micros() / go.get().roundsP99Micros(),
                        ratio(n, find(cells, Peers.MOLECULER, callers, payload)),
                        ratio(n, find(cells, Peers.JNATS_ASYNC, callers, payload)),
                        ratio(n, find(cells, Peers.HTTP, callers, payload)));
            }
        }
        printControl(cells, options);
    }

    /** Go's second pair against its first, cell by cell: the spread a ratio of two peers has when both are one stack. */
    private static void printControl(List<Cell> cells, Options options) {
        if (!options.control()) {
            return;
        }
        System.out.println();
        System.out.println("Control: Go's inline pair measured twice in this run (" + Peers.CONTROL + " / " + Peers.GO_INLINE + "),");
        System.out.println("the same ratios: two measurements of one stack differ by this much here");
        System.out.println();
        System.out.println("| payload | callers | req/s ratio | p99 ratio |");
        System.out.println("|---|---:|---:|---:|");
        for (int payload : options.payloads()) {
            for (int callers : options.concurrency()) {
                Optional<Cell> second = find(cells, Peers.CONTROL, callers, payload);
                Optional<Cell> first = find(cells, Peers.GO_INLINE, callers, payload);
                if (second.isEmpty() || first.isEmpty()) {
                    continue;
                }
                if (second.get().errors() > 0 || first.get().errors() > 0 || !(second.get().roundsP99Micros() > 0)
                        || !(first.get().roundsP99Micros() > 0)) { // as in the goals: no ratio of a failed cell
                    System.out.printf("| %s | %,d | not judged: errors %d / %d | |%n", size(payload), callers,
                            second.get().errors(), first.get().errors());
                    continue;
                }
                System.out.printf("| %s | %,d | %.2f | %.2f |%n", size(payload), callers, second.get().perSecond() / first.get().perSecond(),
                        second.get().roundsP99Micros() / first.get().roundsP99Micros());
            }
        }
    }

    private static String ratio(Cell natrix, Optional<Cell> other) {
        return other.map(o -> String.format("%.2f", natrix.perSecond() / o.perSecond())).orElse("");
    }

    private static Optional<Cell> bestGo(List<Cell> cells, int callers, int payload) {
        return cells.stream().filter(c -> c.peer().startsWith(GO) && c.callers() == callers && c.payload() == payload)
                .max(Comparator.comparingDouble(Cell::perSecond));
    }

    private static Optional<Cell> find(List<Cell> cells, String peer, int callers, int payload) {
        return cells.stream().filter(c -> c.peer().equals(peer) && c.callers() == callers && c.payload() == payload).findFirst();
    }

    /** One broadcast cell of one round. */
    record BroadcastCell(long published, double publishedPerSecond, double deliveriesPerSecond, long lost) {
    }

    private static void broadcast(List<BroadcastStack> stacks, Options options) throws Exception {
        System.out.println();
        System.out.printf("Broadcast: one publisher sends up to %,d events (16 B; %,d of 4 KiB) as fast as it can (at most 2 s);%n",
                options.events(), options.events() / 10);
        System.out.println("every listener instance (its own connection) gets every event; deliveries/s from the first publish to the last delivery;");
        System.out.println("published/s: the publisher's own rate, from its first publish to its flush's answer (a listener can go no faster).");
        System.out.printf("Median of %d round(s), range beside it; lost: summed over the rounds; every stack warmed up once first.%n", options.rounds());
        for (BroadcastStack stack : stacks) { // the JIT compiles every stack's paths before any cell counts
            broadcastOnce(stack, 3, options.events(), options.payloads()[0]);
        }
        Map<String, List<BroadcastCell>> cells = new LinkedHashMap<>();
        int turn = 0;
        for (int round = 0; round < options.rounds(); round++) {
            for (int payload : options.payloads()) {
                long events = payload > 1024 ? options.events() / 10 : options.events();
                for (int listeners : options.listeners()) {
                    for (int i = 0; i < stacks.size(); i++) {
                        BroadcastStack stack = stacks.get((i + turn) % stacks.size());
                        cells.computeIfAbsent(stack.name() + "@" + payload + "@" + listeners, key -> new ArrayList<>())
                                .add(broadcastOnce(stack, listeners, events, payload));
                    }
                    turn++;
                }
            }
        }
        System.out.println();
        System.out.println("| stack | payload | listeners | published | published/s | deliveries/s | range | lost | × Go |");
        System.out.println("|---|---|---:|---:|---:|---:|---|---:|---:|");
        for (int payload : options.payloads()) {
            for (int listeners : options.listeners()) {
                Optional<BroadcastCell> go = Optional.ofNullable(cells.get(GO + "@" + payload + "@" + listeners))
                        .map(rounds -> Rounds.median(rounds, BroadcastCell::deliveriesPerSecond));
                for (BroadcastStack stack : stacks) {
                    List<BroadcastCell> rounds = cells.get(stack.name() + "@" + payload + "@" + listeners);
                    BroadcastCell median = Rounds.median(rounds, BroadcastCell::deliveriesPerSecond);
                    System.out.printf("| %s | %s | %d | %,d | %,.0f | %,.0f | %s | %,d | %s |%n", stack.name(), size(payload), listeners,
                            median.published(), median.publishedPerSecond(), median.deliveriesPerSecond(),
                            Rounds.range(rounds, BroadcastCell::deliveriesPerSecond, "%,.0f"),
                            rounds.stream().mapToLong(BroadcastCell::lost).sum(),
                            go.map(g -> String.format("%.2f", median.deliveriesPerSecond() / g.deliveriesPerSecond())).orElse(""));
                }
            }
        }
    }

    private static BroadcastCell broadcastOnce(BroadcastStack stack, int listeners, long events, int payload) throws Exception {
        stack.listeners().send("listeners " + listeners + stack.listenerMode());
        stack.publisher().send("sync " + listeners);
        String[] published = stack.publisher().send("pub " + events + " 2000 " + payload);
        long sent = Long.parseLong(published[0]);
        String[] delivered = stack.listeners().send("await " + sent * listeners + " 1000");
        stack.listeners().send("listeners 0");
        long count = Long.parseLong(delivered[0]);
        double seconds = (Long.parseLong(delivered[1]) - Long.parseLong(published[1])) / 1e9;
        double publishing = (Long.parseLong(published[2]) - Long.parseLong(published[1])) / 1e9;
        return new BroadcastCell(sent, sent / publishing, count / seconds, sent * listeners - count);
    }

    private static Path csvBeside(Path chart) {
        return chart.resolveSibling(chart.getFileName().toString().replaceFirst("\\.png$", "") + ".csv");
    }

    private static String size(int bytes) {
        return bytes >= 1024 && bytes % 1024 == 0 ? (bytes / 1024) + " KiB" : bytes + " B";
    }

    /** The repository's root, from where this class was loaded ({@code bench/target/classes}). */
    private static Path root() throws URISyntaxException {
        return Path.of(PeersBench.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getParent().getParent().getParent();
    }

    /**
     * {@code peers [--seconds 2] [--warmup-ms 500] [--jit-warmup 2] [--rounds 3] [--concurrency 1,16,256,1024] [--payloads 16,4096]
     * [--listeners 1,3,10] [--events 100000] [--chart docs/bench/peers.png] [--only natrix,go,...] [--secured]
     * [--broadcast-only] [--jvm '-XX:+UseParallelGC'] [--stall-log DIR] [--aot] [--huge-pages] [--control]}: {@code --only} keeps the peers whose names contain
     * one of its words; {@code --broadcast-only} measures the broadcast alone; {@code --jvm} is every JVM peer's options
     * (natrix's and raw jnats's alike: a collector chosen for one is chosen for both); {@code --stall-log} has every
     * natrix and Go requester log its calls over 1 ms with the time each ended ({@link StallLog}); {@code {peer}} in a
     * {@code --jvm} option is each JVM peer's name ({@link Spawner#jvmOptions}); {@code --aot} trains an AOT cache
     * for every JVM peer on the warm-up and measures them started from it ({@link AotCaches}); {@code --huge-pages} puts
     * every JVM peer's heap and code in the host's huge pages and checks that each got them ({@link HugePages});
     * {@code --control} measures Go's inline pair a second time on processes of its own, whatever {@code --only}
     * says, and prints the two pairs' ratios beside the goals: how far two measurements of one stack differ in the
     * same run.
     */
    record Options(Duration measure, Duration warmup, Duration jitWarmup, int rounds, int[] concurrency, int[] payloads,
                   int[] listeners, long events, Path chart, List<String> only, boolean secured, boolean broadcastOnly,
                   List<String> jvm, Optional<Path> stallLog, boolean aot, boolean control, boolean hugePages) {

        /**
         * Whether a peer is measured: all are, unless {@code --only} names parts of their names; the control is
         * whenever it is asked for, whatever {@code --only} says.
         */
        boolean includes(String peer) {
            return peer.equals(Peers.CONTROL) ? control
                    : only.isEmpty() || only.stream().anyMatch(part -> peer.toLowerCase().contains(part.toLowerCase()));
        }

        static Options parse(List<String> args) throws URISyntaxException {
            Duration measure = Duration.ofSeconds(2);
            Duration warmup = Duration.ofMillis(500);
            Duration jitWarmup = Duration.ofSeconds(2);
            int rounds = 3;
            int[] concurrency = {1, 16, 256, 1024};
            int[] payloads = {16, 4096};
            int[] listeners = {1, 3, 10};
            long events = 100_000;
            Path chart = root().resolve("docs/bench/peers.png");
            List<String> only = List.of();
            boolean secured = false;
            boolean broadcastOnly = false;
            List<String> jvm = List.of("-XX:+UseParallelGC");
            Optional<Path> stallLog = Optional.empty();
            boolean aot = false;
            boolean control = false;
            boolean hugePages = false;
            for (int i = 0; i < args.size(); i += 2) {
                if (args.get(i).equals("--huge-pages")) { // every JVM peer's heap and code in the host's huge pages
                    hugePages = true;
                    i--;
                    continue;
                }
                if (args.get(i).equals("--control")) { // Go's inline pair twice: how far one stack's figures spread in a run
                    control = true;
                    i--;
                    continue;
                }
                if (args.get(i).equals("--aot")) { // every JVM peer from an AOT cache trained on the warm-up
                    aot = true;
                    i--;
                    continue;
                }
                if (args.get(i).equals("--secured")) { // TLS and an nkey user with an allow list, as the demo's NATS
                    secured = true;
                    i--;
                    continue;
                }
                if (args.get(i).equals("--broadcast-only")) { // no request/reply cells, no chart
                    broadcastOnly = true;
                    i--;
                    continue;
                }
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("option " + args.get(i) + " needs a value");
                }
                String value = args.get(i + 1);
                switch (args.get(i)) {
                    case "--seconds" -> measure = Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
                    case "--warmup-ms" -> warmup = Duration.ofMillis(Long.parseLong(value));
                    case "--jit-warmup" -> jitWarmup = Duration.ofSeconds(Long.parseLong(value));
                    case "--rounds" -> rounds = Rounds.requireOdd(Integer.parseInt(value));
                    case "--concurrency" -> concurrency = ints(value);
                    case "--payloads" -> payloads = ints(value);
                    case "--listeners" -> listeners = ints(value);
                    case "--events" -> events = Long.parseLong(value);
                    case "--chart" -> chart = Path.of(value);
                    case "--only" -> only = List.of(value.split(","));
                    case "--jvm" -> jvm = List.of(value.trim().split("\\s+"));
                    case "--stall-log" -> stallLog = Optional.of(Path.of(value).toAbsolutePath());
                    default -> throw new IllegalArgumentException("unknown option " + args.get(i) + "; usage: natrix bench peers"
                            + " [--seconds 2] [--warmup-ms 500] [--jit-warmup 2] [--rounds 3] [--concurrency 1,16,256,1024] [--payloads 16,4096]"
                            + " [--listeners 1,3,10] [--events 100000] [--chart docs/bench/peers.png] [--only natrix,go,...] [--secured] [--broadcast-only] [--jvm '-XX:+UseParallelGC'] [--stall-log DIR] [--aot] [--huge-pages] [--control]");
                }
            }
            return new Options(measure, warmup, jitWarmup, rounds, concurrency, payloads, listeners, events, chart, only, secured, broadcastOnly,
                    jvm, stallLog, aot, control, hugePages);
        }

        private static int[] ints(String csv) {
            return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
        }

        @Override
        public String toString() {
            return String.format("%.1f s per cell after %d ms warm-up, %d round(s), callers %s, payloads %s B, listeners %s, JVM peers %s%s",
                    measure.toMillis() / 1000.0, warmup.toMillis(), rounds, Arrays.toString(concurrency),
                    Arrays.toString(payloads), Arrays.toString(listeners), String.join(" ", jvm),
                    secured ? ", secured (TLS, an nkey user with an allow list)" : "")
                    + (aot ? ", every JVM peer started from an AOT cache trained on the warm-up (--aot)" : "")
                    + (control ? ", Go's inline pair measured twice (--control)" : "")
                    + (hugePages ? ", every JVM peer's heap (" + HugePages.HEAP + ", fixed) and code in huge pages (--huge-pages)" : "")
                    + stallLog.map(folder -> ", calls over 1 ms logged in " + folder).orElse("");
        }
    }

    /**
     * Starts the peers' processes, each with the run's environment (a secured run's keys), and keeps them to stop.
     * A process starts when a peer that is measured first needs it: the peers {@code --only} leaves out start
     * nothing (idle, the Moleculer brokers ran bursts of up to 50 ms of CPU in the other peers' cells).
     */
    record Spawner(List<PeerProcess> all, List<String> jvm, Map<String, String> environment, String classPath,
                   ProcessBuilder.Redirect errors) {

        Spawner(List<PeerProcess> all, List<String> jvm, Map<String, String> environment) {
            this(all, jvm, environment, System.getProperty("java.class.path"), ProcessBuilder.Redirect.INHERIT);
        }

        /**
         * A spawner of these processes, in this environment, their stderr there, whose JVMs have these options too
         * and only jars on their class path.
         */
        Spawner withJarsAnd(List<PeerProcess> processes, List<String> options, Map<String, String> environment,
                            ProcessBuilder.Redirect errors) {
            return new Spawner(processes, Stream.concat(jvm.stream(), options.stream()).toList(), environment,
                    AotCaches.jarsOnly(classPath), errors);
        }

        /**
         * A JVM peer. Its JVM's own warnings and errors go to stderr, not to the stdout its answers are read from
         * ({@code -Xlog}'s default output: a JVM started from an AOT cache it cannot fully use says so there before
         * its first line).
         */
        LazyProcess java(String name, String... args) {
            String java = ProcessHandle.current().info().command().orElse("java");
            // natrix's readers run the virtual threads they wake (core/README.md, "The reader as a carrier")
            List<String> command = Stream.of(Stream.of(java, "-Xlog:disable", "-Xlog:all=warning:stderr",
                            "--add-opens=java.base/java.lang=ALL-UNNAMED"),
                    jvmOptions(name).stream(), Stream.of("-cp", classPath,
                    Peer.class.getName()), Arrays.stream(args)).flatMap(part -> part).toList();
            return start(name, Path.of("."), true, command.toArray(String[]::new));
        }

        /**
         * The JVM options of one peer's process: {@code {peer}} in an option becomes the peer's name in a form fit for a
         * file name ({@code natrix-responder}), so that each JVM can have its own file, e.g. {@code
         * -XX:AOTCacheOutput=/tmp/aot/{peer}.aot} or {@code -Xlog:jit+compilation=debug:file=/tmp/jit-{peer}.log}.
         */
        List<String> jvmOptions(String name) {
            return jvm.stream().map(option -> option.replace("{peer}", fileName(name))).toList();
        }

        /** A peer's name as a file name: {@code natrix responder} is {@code natrix-responder}. */
        static String fileName(String name) {
            return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        }

        LazyProcess start(String name, Path directory, String... command) {
            return start(name, directory, false, command);
        }

        private LazyProcess start(String name, Path directory, boolean java, String... command) {
            return new LazyProcess(() -> {
                PeerProcess process = PeerProcess.start(name, List.of(command), directory, environment, java, errors);
                all.add(process);
                return process;
            });
        }
    }

    /** A peer process, started the first time it is asked for. */
    static final class LazyProcess {
        private final Callable<PeerProcess> start;
        private PeerProcess process;

        LazyProcess(Callable<PeerProcess> start) {
            this.start = start;
        }

        PeerProcess get() throws Exception {
            if (process == null) {
                process = start.call();
            }
            return process;
        }
    }

    record Peers(List<RrPeer> requestReply, List<BroadcastStack> broadcast) {

        static final String NATRIX = "natrix call (byte[])";
        static final String MOLECULER = "Moleculer 0.15 (NATS transporter)";
        static final String JNATS_ASYNC = "raw jnats async (callbacks)";
        static final String HTTP = "HTTP: Go net/http → Helidon";
        static final String GO_INLINE = GO + " (reply inline)";
        /** Go's inline pair once more, on processes of its own: two runs of one stack side by side ({@code --control}). */
        static final String CONTROL = "control: " + GO_INLINE + ", a second pair";

        /** A peer before its processes start: they start only if {@code --only} keeps it. */
        private record Candidate(String name, LazyProcess requester, LazyProcess responder, boolean overNats, String listenerMode) {

            Candidate(String name, LazyProcess requester, LazyProcess responder, boolean overNats) {
                this(name, requester, responder, overNats, "");
            }
        }

        static Peers start(Path root, NatsServerProcess nats, Options options, Spawner all) throws Exception {
            String url = nats.url();
            Path goPeer = root.resolve("bench/target/peers/go-peer");
            Path moleculer = root.resolve("bench/peers/moleculer");
            if (!Files.isExecutable(goPeer) || !Files.isDirectory(moleculer.resolve("node_modules"))) {
                throw new IllegalStateException("the Go and Moleculer peers are not built: run ./natrix bench peers, which builds them");
            }
            LazyProcess natrixResponder = all.java("natrix responder", "respond", "natrix", url, "peernatrix");
            LazyProcess jnatsResponder = all.java("raw jnats responder", "respond", "jnats", url, "peer.jnats");
            LazyProcess goInline = all.start("Go responder (inline)", root, goPeer.toString(), "respond", url, "peer.goin", "inline");
            LazyProcess goGoroutine = all.start("Go responder (goroutine)", root, goPeer.toString(), "respond", url, "peer.gogo", "goroutine");

            LazyProcess natrixRequester = all.java("natrix requester", "request", "natrix", url, "peernatrix");
            LazyProcess jnatsAsync = all.java("raw jnats async requester", "request", "jnats-async", url, "peer.jnats");
            LazyProcess goInlineRequester = all.start("Go requester", root, goPeer.toString(), "request", url, "peer.goin");
            List<Candidate> rr = new ArrayList<>(List.of(
                    new Candidate(NATRIX, natrixRequester, natrixResponder, true),
                    new Candidate("natrix call (JSON record)",
                            all.java("natrix JSON requester", "request", "natrix-json", url, "peernatrix"), natrixResponder, true),
                    new Candidate("natrix call (byte[], non-blocking endpoint)",
                            all.java("natrix requester of a non-blocking endpoint", "request", "natrix-inline", url, "peernatrix"),
                            natrixResponder, true),
                    new Candidate("raw jnats request() (blocking)",
                            all.java("raw jnats blocking requester", "request", "jnats-blocking", url, "peer.jnats"), jnatsResponder, true),
                    new Candidate("raw jnats requestWithTimeout().get()",
                            all.java("raw jnats future requester", "request", "jnats-future", url, "peer.jnats"), jnatsResponder, true),
                    new Candidate(JNATS_ASYNC, jnatsAsync, jnatsResponder, true),
                    new Candidate(GO_INLINE, goInlineRequester, goInline, true),
                    new Candidate(GO + " (goroutine per request)",
                            all.start("Go requester (goroutine)", root, goPeer.toString(), "request", url, "peer.gogo"), goGoroutine, true)));
            if (options.control()) { // never taken for the Go row (bestGo)
                rr.add(new Candidate(CONTROL, all.start("Go requester (control)", root, goPeer.toString(), "request", url, "peer.goin2"),
                        all.start("Go responder (control)", root, goPeer.toString(), "respond", url, "peer.goin2", "inline"), true));
            }
            List<Candidate> broadcast = new ArrayList<>(List.of(
                    new Candidate("natrix broadcastListener (never drop)", natrixRequester, natrixResponder, true),
                    new Candidate("natrix broadcastListener (never drop, non-blocking)", natrixRequester, natrixResponder, true, " non-blocking"),
                    new Candidate("raw jnats dispatcher", jnatsAsync, jnatsResponder, true),
                    new Candidate(GO, goInlineRequester, goInline, true)));
            if (!options.secured()) { // a secured run measures the stacks given the keys: natrix, raw jnats, Go
                LazyProcess molResponder = all.start("Moleculer responder", moleculer, "node", "peer.js", "respond", url, "peermol");
                LazyProcess molRequester = all.start("Moleculer requester", moleculer, "node", "peer.js", "request", url, "peermol");
                LazyProcess httpResponder = all.java("HTTP responder", "respond", "http", "-", "-");
                LazyProcess httpRequester = new LazyProcess(() -> all.start("HTTP requester (Go net/http)", root, goPeer.toString(),
                        "http-request", "http://127.0.0.1:" + httpResponder.get().readyDetail() + "/echo", "-").get());
                rr.add(new Candidate(MOLECULER, molRequester, molResponder, true));
                rr.add(new Candidate(HTTP, httpRequester, httpResponder, false));
                broadcast.add(new Candidate("Moleculer", molRequester, molResponder, true));
            }
            List<RrPeer> requestReply = new ArrayList<>();
            for (Candidate peer : rr) {
                if (options.includes(peer.name()) && !options.broadcastOnly()) {
                    requestReply.add(new RrPeer(peer.name(), peer.requester().get(), peer.responder().get(), peer.overNats()));
                }
            }
            List<BroadcastStack> stacks = new ArrayList<>();
            for (Candidate stack : broadcast) {
                if (options.includes(stack.name())) {
                    stacks.add(new BroadcastStack(stack.name(), stack.requester().get(), stack.responder().get(), stack.listenerMode()));
                }
            }
            return new Peers(requestReply, stacks);
        }
    }
}
