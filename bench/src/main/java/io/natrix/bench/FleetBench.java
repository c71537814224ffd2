package io.natrix.bench;

import io.natrix.ride.harness.RideProcesses;
import io.natrix.ride.RideSecurity;
import io.natrix.ride.sim.Simulator;
import io.natrix.ride.sim.SimulatorProcesses;
import io.natrix.testkit.Folders;
import io.natrix.testkit.NatsServerProcess;
import io.natrix.testkit.UnassignedPorts;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code ./natrix bench ride fleet}: the whole ride system (one process per service instance, a nats-server
 * with JetStream) and the simulator in processes of its own (as few as hold the largest step's sockets), all on
 * this machine. The fleet grows step by step; after a
 * warm-up each step is measured, and it holds when, in the measured window, every driver sent about one
 * position a second, every rider got about one nearby answer with drivers a second (not error lines, not
 * empty answers), those
 * answers were at most 250 ms old at p99 when read, counted from the moment the gateway asked, at most 5% of
 * them were ranked by distance because no ETA estimator answered in time, every agent stayed online, and
 * nothing failed, from growing to the end of the window. It stops at the first step that does not hold.
 */
final class FleetBench {

    /** A fleet size to try. */
    record Step(int drivers, int riders) {

        static Step parse(String text) {
            String[] parts = text.split(":");
            try {
                if (parts.length == 2) {
                    return new Step(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
                }
            } catch (NumberFormatException notANumber) {
                // said below
            }
            throw new IllegalArgumentException("a step is DRIVERS:RIDERS, e.g. 4000:1000, got '" + text + "'");
        }
    }

    /**
     * {@code coldStart}: before the first step, the first step itself runs that long so that every JVM compiles its hot
     * paths; what failed then is reported on its own line, not hidden and not charged to the first step.
     */
    record Options(List<Step> steps, Duration warmup, Duration measure, int geo, int gateways, List<String> serviceJvm,
                   long freshnessP99Millis, Duration coldStart, boolean keepGoing, boolean secured, int simProcesses,
                   boolean ingestLoop) {

        static final String USAGE = "usage: natrix bench ride fleet [--steps 1000:250,2000:500,...] [--warmup 20] [--cold-start 30] [--keep-going] [--secured]"
                + " [--seconds 20] [--geo 2] [--gateways N (default: as few as hold the largest step's streams, at least 2)] [--sim-processes N (default: as few as hold the largest step's sockets)]"
                + " [--service-jvm '-XX:+UseSerialGC -Xmx1g'] [--ingest loop|gateway (drivers' location sockets on each gateway's event-loop ingest port, as the demo's, or on its own port)]";

        static Options parse(List<String> args) {
            // the second step adds drivers only and the third riders only, so the slopes come apart
            List<Step> steps = List.of(new Step(1_000, 250), new Step(2_000, 250), new Step(2_000, 500), new Step(3_000, 750),
                    new Step(4_000, 1_000), new Step(5_000, 1_250), new Step(6_000, 1_500), new Step(8_000, 2_000),
                    new Step(10_000, 2_500), new Step(12_000, 3_000), new Step(16_000, 4_000), new Step(20_000, 5_000));
            Duration warmup = Duration.ofSeconds(20);
            Duration coldStart = Duration.ofSeconds(30);
            boolean keepGoing = false;
            boolean secured = false;
            Duration measure = Duration.ofSeconds(20);
            int geo = 2;
            int gateways = 0; // as few as the largest step needs, at least two
            List<String> serviceJvm = List.of("-XX:+UseSerialGC", "-Xmx1g");
            int simProcesses = 0; // as few as the largest step needs
            boolean ingestLoop = true;
            for (int i = 0; i < args.size(); i += 2) {
                if (args.get(i).equals("--keep-going")) { // measure every step, even after one did not hold
                    keepGoing = true;
                    i--;
                    continue;
                }
                if (args.get(i).equals("--secured")) { // as the demo runs: NATS users and TLS, HTTP tokens and limits
                    secured = true;
                    i--;
                    continue;
                }
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(args.get(i) + " needs a value\n" + USAGE);
                }
                String value = args.get(i + 1);
                switch (args.get(i)) {
                    case "--steps" -> steps = java.util.Arrays.stream(value.split(",")).map(Step::parse).toList();
                    case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(value));
                    case "--cold-start" -> coldStart = Duration.ofSeconds(Long.parseLong(value));
                    case "--seconds" -> measure = Duration.ofSeconds(Long.parseLong(value));
                    case "--geo" -> geo = Integer.parseInt(value);
                    case "--gateways" -> gateways = Integer.parseInt(value);
                    case "--sim-processes" -> simProcesses = Integer.parseInt(value);
                    case "--service-jvm" -> serviceJvm = List.of(value.trim().split("\\s+"));
                    case "--ingest" -> ingestLoop = switch (value) {
                        case "loop" -> true;
                        case "gateway" -> false;
                        default -> throw new IllegalArgumentException("--ingest is loop or gateway, got " + value + "\n" + USAGE);
                    };
                    default -> throw new IllegalArgumentException("unknown option " + args.get(i) + "\n" + USAGE);
                }
            }
            return new Options(steps, warmup, measure, geo, gateways, serviceJvm, 250, coldStart, keepGoing, secured, simProcesses,
                    ingestLoop);
        }
    }

    private FleetBench() {
    }

    static void run(List<String> args) throws Exception {
        Options options = Options.parse(args);
        long maxFiles = maxOpenFiles();
        int gatewayCount = options.gateways() > 0 ? options.gateways() : gatewaysFor(options.steps(), maxFiles);
        List<Integer> ports = new ArrayList<>();
        List<Integer> ingestPorts = new ArrayList<>();
        for (int i = 0; i < gatewayCount; i++) {
            int[] chosen = UnassignedPorts.choose(2); // chosen where the nats-server started next cannot be given them
            ports.add(chosen[0]);
            if (options.ingestLoop()) {
                ingestPorts.add(chosen[1]);
            }
        }
        RideProcesses.Layout layout = new RideProcesses.Layout(1, options.geo(), 1, 1, 1, 0, ports, ingestPorts);
        java.util.Optional<RideSecurity> security = options.secured()
                ? java.util.Optional.of(RideSecurity.reuse(Folders.temporary("natrix-bench-keys-", "natrix bench ride fleet")))
                : java.util.Optional.empty();
        NatsServerProcess nats = security.map(keys -> NatsServerProcess.start(1, true, 0, keys.nats()).getFirst())
                .orElseGet(() -> NatsServerProcess.start(1, true).getFirst());
        boolean traced = options.serviceJvm().stream().noneMatch(option -> option.equals("-Dnatrix.tracing=off"));
        Pauses pauses = Pauses.in(java.nio.file.Files.createTempDirectory("natrix-fleet-stops-"));
        int simProcesses = options.simProcesses() > 0 ? options.simProcesses() : simProcessesFor(options.steps(), maxFiles);
        List<String> simJvm = new ArrayList<>(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.printf("natrix bench ride fleet: %s (JVM options %s; every process %s; drivers' location sockets on %s) on %s, the simulator in %d"
                        + " process%s of its own (%s), %d cores; %d s warm-up and %d s measured per step; a step holds when freshness p99"
                        + " (from the gateway's question to the rider's read) <= %d ms over >= 95%% of the expected"
                        + " answers, >= 95%% of the expected location updates and nearby answers arrive, <= 5%% of"
                        + " answers lack an ETA, every agent stays online, and nothing fails (error lines count); %s; every JVM"
                        + " logs its stops of the world into %s (-Xlog:safepoint)%n",
                layout, String.join(" ", options.serviceJvm()),
                traced ? "traced, as in the demo" : "untraced",
                options.ingestLoop() ? "each gateway's event-loop ingest port, as in the demo" : "each gateway's own port (Helidon, a thread per socket)",
                nats.url(), simProcesses, simProcesses == 1 ? "" : "es", String.join(" ", simJvm),
                Runtime.getRuntime().availableProcessors(), options.warmup().toSeconds(), options.measure().toSeconds(),
                options.freshnessP99Millis(), options.secured()
                        ? "SECURED as the demo runs (NATS nkey users and TLS, HTTP bearer tokens and per-identity limits)"
                        : "open (no NATS users or TLS, no HTTP tokens), as before security landed", pauses.folder());
        List<AutoCloseable> started = new CopyOnWriteArrayList<>();
        // Ctrl-C or a timeout: stop what this benchmark started, or it would outlive it (each is its own session)
        Thread cleanUp = Thread.ofPlatform().unstarted(() -> {
            for (AutoCloseable one : started.reversed()) {
                try {
                    one.close();
                } catch (Exception ignored) {
                    // the rest is stopped all the same
                }
            }
            nats.stop();
        });
        Runtime.getRuntime().addShutdownHook(cleanUp);
        List<String> gateways = ports.stream().map(port -> "http://127.0.0.1:" + port).toList();
        List<Path> logs = new ArrayList<>(List.of(pauses.folder())); // kept for a run that missed, deleted after one that held
        boolean held = true; // every step so far held
        boolean reachedTheEnd = false; // a run stopped midway keeps its logs too
        try {
            // every JVM logs its stops of the world, so a step that missed says which process stood still
            String[] jvm = java.util.stream.Stream.concat(options.serviceJvm().stream(), java.util.stream.Stream.of(pauses.jvmOption()))
                    .toArray(String[]::new);
            simJvm.add(pauses.jvmOption());
            RideProcesses system = security.isPresent() ? RideProcesses.start(nats.url(), security.get(), 1, layout, jvm)
                    : RideProcesses.start(nats.url(), 1, layout, jvm);
            started.add(system);
            logs.add(system.logs());
            List<String> ingest = ingestPorts.stream().map(port -> "ws://127.0.0.1:" + port).toList();
            Path simLogs = SimulatorProcesses.logs();
            logs.add(simLogs);
            SimulatorProcesses simulator = SimulatorProcesses.start(simProcesses, gateways, ingest, simJvm, simLogs);
            started.add(simulator);
            Map<String, List<ProcessHandle>> roles = roles(system, nats, simulator);
            coldStart(simulator, options, maxFiles, simProcesses, gatewayCount);
            System.out.println();
            System.out.println("| drivers | riders | locations/s | nearby answers/s (with drivers) | ranked by"
                    + " | freshness p50 / p99 / max ms | nearby gap p99 ms | position age p99 ms | rides accepted"
                    + " | errors (whole step) | CPU % by process | holds | longest stop of the world ms (whole step) | the machine |");
            System.out.println("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---|---|---|");
            Step largest = null;
            List<UnitCosts.Sample> measured = new ArrayList<>();
            List<UnitCosts.Sample> heldSamples = new ArrayList<>();
            for (Step step : options.steps()) {
                java.util.Optional<String> beyond = beyondOpenFiles(step, maxFiles, simProcesses, gatewayCount);
                if (beyond.isPresent()) {
                    System.out.printf("| %,d | %,d | | | | | | | | | | not run: %s | | |%n", step.drivers(), step.riders(), beyond.get());
                    held = false;
                    break; // larger steps need more
                }
                Simulator.Counters errorsBefore = simulator.counters(); // failures while growing and warming up count too
                long began = System.currentTimeMillis();
                simulator.grow(step.drivers(), step.riders());
                Thread.sleep(options.warmup());
                Map<String, Duration> cpuBefore = cpu(roles);
                java.util.Optional<MachineLoad.Reading> loadBefore = MachineLoad.read();
                Simulator.Window window = simulator.measure(options.measure());
                java.util.Optional<MachineLoad.Reading> loadAfter = MachineLoad.read();
                Map<String, Duration> cpuAfter = cpu(roles);
                Simulator.Counters after = simulator.counters();
                long errors = after.errors() - errorsBefore.errors();
                List<String> misses = misses(step, window, errors, options);
                Histogram freshness = window.freshness();
                Map<String, Double> cpuUsed = cpuMicrosPerSecond(cpuBefore, cpuAfter, window.length());
                String stops = Pauses.describe(pauses.longest(roles, began, System.currentTimeMillis()));
                System.out.printf("| %,d | %,d | %,.0f | %,.0f (%,.0f) | %s | %,d / %,d / %,d | %,d | %,d | %,d | %,d%s | %s | %s | %s | %s |%n",
                        step.drivers(), step.riders(), window.locationsPerSecond(), window.nearbyPerSecond(),
                        // the same measured seconds as the answers' rate (not the nominal window length)
                        window.nearbyPerSecond() * window.nearbyWithDrivers() / Math.max(1, window.nearbyAnswers()),
                        window.estimators(),
                        freshness.getValueAtPercentile(50), freshness.getValueAtPercentile(99), freshness.getMaxValue(),
                        window.nearbyGap().getValueAtPercentile(99), window.positionAge().getValueAtPercentile(99),
                        window.ridesAccepted(), errors, errors == 0 ? "" : " (" + after.errorCausesSince(errorsBefore) + ")",
                        cpuShares(cpuUsed),
                        misses.isEmpty() ? "yes" : "no: " + String.join("; ", misses), stops,
                        MachineLoad.describe(loadBefore, loadAfter));
                UnitCosts.Sample sample = new UnitCosts.Sample(step.drivers(), step.riders(), cpuUsed);
                measured.add(sample);
                if (misses.isEmpty()) {
                    heldSamples.add(sample);
                }
                if (misses.isEmpty() && held) {
                    largest = step;
                } else {
                    held = false;
                }
                if (!held && !options.keepGoing()) {
                    break;
                }
            }
            reachedTheEnd = true;
            System.out.println();
            if (!held) { // said here: the last two lines are the unit costs and the fleet held
                System.out.println(logsKept(logs));
            }
            if (simulator.counters().errors() > 0) {
                System.out.println("the first error of each kind: " + simulator.firstOfEach());
            }
            boolean fromHeld = heldSamples.stream().mapToInt(UnitCosts.Sample::drivers).distinct().count() >= 2;
            System.out.println(unitCostLine(UnitCosts.fit(fromHeld ? heldSamples : measured),
                    fromHeld ? heldSamples.size() + " steps that held" : measured.size() + " steps, not all of which held"));
            // the last line, in the one form scripts read: every step up to this one held
            System.out.printf("largest fleet held: %,d drivers and %,d riders%n",
                    largest == null ? 0 : largest.drivers(), largest == null ? 0 : largest.riders());
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanUp);
                cleanUp.run();
            } catch (IllegalStateException shuttingDown) {
                // the hook does it
            }
            if (!reachedTheEnd) {
                System.out.println(logsKept(logs));
            } else if (held) {
                delete(logs);
            }
        }
    }

    /**
     * The processes' logs and stops of the world are kept after a run in which a step missed (or that ended
     * early), for whoever reads why, and deleted after a run in which every step held.
     */
    private static String logsKept(List<Path> logs) {
        return "logs kept in " + logs.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", "));
    }

    private static void delete(List<Path> logs) {
        logs.forEach(folder -> Folders.deleteOrSay(folder, "natrix bench ride fleet"));
    }

    /**
     * The first step for the cold-start time before it is measured: every JVM compiles its hot paths then, and
     * its failures are said apart. (A fifth of the first step, as it was, left the services compiling in the
     * first measured window: the estimators and geo used twice the CPU at 1,000 drivers that they used at
     * 2,000, which bent every per-unit fit.)
     */
    private static void coldStart(SimulatorProcesses simulator, Options options, long maxFiles, int simProcesses, int gateways)
            throws InterruptedException, java.io.IOException {
        if (options.coldStart().isZero() || options.steps().isEmpty()
                || beyondOpenFiles(options.steps().getFirst(), maxFiles, simProcesses, gateways).isPresent()) {
            return; // the first step says why it is not run
        }
        Step first = options.steps().getFirst();
        Simulator.Counters before = simulator.counters();
        simulator.grow(first.drivers(), first.riders());
        Thread.sleep(options.coldStart());
        Simulator.Counters after = simulator.counters();
        long errors = after.errors() - before.errors();
        System.out.printf("%ncold start (not measured): %,d drivers and %,d riders for %d s while every JVM compiles: %,d"
                        + " nearby answers, %,d errors%s%n", first.drivers(), first.riders(),
                options.coldStart().toSeconds(), after.nearbyUpdates() - before.nearbyUpdates(), errors,
                errors == 0 ? "" : " (" + after.errorCausesSince(before) + "; first of each: " + simulator.firstOfEach() + ")");
    }

    /** Files a process keeps open besides its agents' sockets: jars, NATS, logs, the JDK's own. */
    static final int FILES_BESIDES_SOCKETS = 1_000;

    /**
     * The sockets a step's agents hold: one a driver (its positions out, its offers in), one a rider (its nearby
     * answers, and its rides on the same stream).
     */
    static long sockets(Step step) {
        return step.drivers() + step.riders();
    }

    /**
     * As few simulator processes as hold the sockets of the largest step (at least one), when no process may
     * open more than {@code maxFiles} files.
     */
    static int simProcessesFor(List<Step> steps, long maxFiles) {
        long largest = steps.stream().mapToLong(FleetBench::sockets).max().orElse(0);
        long perProcess = Math.max(1, maxFiles - FILES_BESIDES_SOCKETS);
        return (int) Math.max(1, (largest + perProcess - 1) / perProcess);
    }

    /**
     * As few gateways as hold the streams of the largest step (at least two: the talk's every service runs as
     * several instances), when no process may open more than {@code maxFiles} files.
     */
    static int gatewaysFor(List<Step> steps, long maxFiles) {
        return Math.max(2, simProcessesFor(steps, maxFiles)); // a gateway holds the same streams a simulator does
    }

    /**
     * Why {@code step} cannot run on this machine whatever the CPU, or empty: no process may open more than
     * {@code maxFiles} files (the hard limit, {@code ulimit -Hn}, which only a process with CAP_SYS_RESOURCE can
     * raise), and the step's sockets are shared by {@code simProcesses} simulator processes on one side and by
     * {@code gateways} gateways on the other. Found before the step, it is said; found during it, it was a "Too
     * many open files" in the middle of a step, which took the simulator's class loading and CPU readings with it.
     */
    static java.util.Optional<String> beyondOpenFiles(Step step, long maxFiles, int simProcesses, int gateways) {
        long room = maxFiles - FILES_BESIDES_SOCKETS;
        long perSimulator = (sockets(step) + simProcesses - 1) / simProcesses;
        if (perSimulator > room) {
            return java.util.Optional.of(String.format("each of %d simulator processes would hold %,d sockets and a process"
                    + " may open %,d files here (ulimit -Hn, leaving %,d for the rest); --sim-processes %d would hold them",
                    simProcesses, perSimulator, maxFiles, FILES_BESIDES_SOCKETS, (sockets(step) + room - 1) / room));
        }
        long perGateway = (sockets(step) + gateways - 1) / gateways;
        if (perGateway > room) {
            return java.util.Optional.of(String.format("each of %d gateways would hold %,d streams and a process may open"
                    + " %,d files here (ulimit -Hn, leaving %,d for the rest); --gateways %d would hold them",
                    gateways, perGateway, maxFiles, FILES_BESIDES_SOCKETS, (sockets(step) + room - 1) / room));
        }
        return java.util.Optional.empty();
    }

    /** This process's hard limit of open files, from {@code /proc/self/limits}; unknown is unlimited. */
    static long maxOpenFiles() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String hard = line.substring("Max open files".length()).trim().split("\\s+")[1];
                    return hard.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(hard);
                }
            }
        } catch (java.io.IOException | RuntimeException unreadable) {
            // not Linux, or a format this does not know: nothing to check against
        }
        return Long.MAX_VALUE;
    }

    /**
     * Why the step does not hold, or empty when it does. Every criterion counts answers, never lines: an error
     * line is an error, and a p99 is only taken over enough answers to stand for every rider.
     */
    static List<String> misses(Step step, Simulator.Window window, long errors, Options options) {
        List<String> misses = new ArrayList<>();
        if (errors > 0) {
            misses.add(errors + " errors since the step began (last: " + window.lastError() + ")");
        }
        if (window.driversOnline() < step.drivers() || window.ridersOnline() < step.riders()) {
            misses.add(String.format("only %,d drivers and %,d riders online", window.driversOnline(), window.ridersOnline()));
        }
        if (window.locationsPerSecond() < 0.95 * step.drivers()) {
            misses.add("location updates below 95% of one per driver per second");
        }
        double expectedAnswers = 0.95 * step.riders() * window.length().toSeconds();
        // answers with drivers: an empty answer ("none") is a success only where nobody is near, never in a fleet
        // this dense (an empty index, geo ingesting nothing, would otherwise pass)
        if (window.nearbyWithDrivers() < expectedAnswers) {
            misses.add(String.format("nearby answers with drivers below 95%% of one per rider per second (%,d of %,.0f)",
                    window.nearbyWithDrivers(), step.riders() * (double) window.length().toSeconds()));
        }
        if (window.freshness().getTotalCount() < expectedAnswers) {
            misses.add(String.format("freshness measured on %,d answers, fewer than 95%% of the expected",
                    window.freshness().getTotalCount()));
        } else if (window.freshness().getValueAtPercentile(99) > options.freshnessP99Millis()) {
            misses.add("freshness p99 above " + options.freshnessP99Millis() + " ms");
        }
        long byDistance = window.nearbyByEstimator().getOrDefault("distance", 0L);
        if (byDistance > 0.05 * window.nearbyAnswers()) {
            misses.add(String.format("no ETA estimator answered in time for %,d of %,d answers (ranked by distance)",
                    byDistance, window.nearbyAnswers()));
        }
        return misses;
    }

    /** Every process by what it runs: the services, the gateways, nats-server, and the simulator's (this JVM's too). */
    private static Map<String, List<ProcessHandle>> roles(RideProcesses system, NatsServerProcess nats, SimulatorProcesses simulator) {
        Map<String, List<ProcessHandle>> roles = new LinkedHashMap<>();
        for (RideProcesses.Instance instance : system.instances()) {
            roles.computeIfAbsent(instance.role(), k -> new ArrayList<>()).add(instance.process().toHandle());
        }
        roles.put("nats", List.of(ProcessHandle.of(nats.pid()).orElseThrow()));
        List<ProcessHandle> sim = new ArrayList<>(simulator.processes());
        sim.add(ProcessHandle.current()); // what the bench itself spends reading and adding up the simulators' windows
        roles.put("sim", sim);
        return roles;
    }

    private static Map<String, Duration> cpu(Map<String, List<ProcessHandle>> roles) {
        Map<String, Duration> used = new LinkedHashMap<>();
        roles.forEach((role, handles) -> used.put(role, handles.stream()
                .map(handle -> handle.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus)));
        return used;
    }

    /** CPU used per role in the window, in µs per second. */
    private static Map<String, Double> cpuMicrosPerSecond(Map<String, Duration> before, Map<String, Duration> after, Duration window) {
        Map<String, Double> used = new LinkedHashMap<>();
        after.forEach((role, total) -> used.put(role, total.minus(before.get(role)).toNanos() * 1e6 / window.toNanos()));
        return used;
    }

    /**
     * The per-unit costs, total first, then each process: {@code total 297 µs per driver-second with its quarter
     * rider-second (driver-second 200, rider-second 400; fixed 0.55 core) · geo 57 (22 / 140) · ...}.
     */
    static String unitCostLine(Map<String, UnitCosts.Fit> fits, String over) {
        if (fits.isEmpty()) {
            return "CPU per unit: not known (fewer than two fleet sizes measured)";
        }
        UnitCosts.Fit total = fits.get("total");
        StringBuilder line = new StringBuilder(String.format(
                "CPU per unit (least squares over %s; µs of CPU per second): total %,.0f per driver-second with %s rider-second",
                over, total.perUnit(), total.ridersPerUnit() == UnitCosts.RIDERS_PER_DRIVER ? "its quarter"
                        : String.format("%.2f", total.ridersPerUnit())));
        if (total.perDriver().isPresent()) {
            line.append(String.format(" (driver-second %,.0f, rider-second %,.0f", total.perDriver().get(), total.perRider().get()));
        } else {
            line.append(" (one ratio of riders to drivers in every step: no split");
        }
        line.append(String.format("; fixed %.2f core)", total.fixedMicrosPerSecond() / 1e6));
        fits.forEach((process, fit) -> {
            if (!process.equals("total")) {
                line.append(String.format(" · %s %,.0f", process, fit.perUnit()));
                fit.perDriver().ifPresent(driver -> line.append(String.format(" (%,.0f / %,.0f)", driver, fit.perRider().orElseThrow())));
            }
        });
        if (fits.values().stream().anyMatch(fit -> fit.perUnit() < 0 || fit.perDriver().orElse(0.0) < 0 || fit.perRider().orElse(0.0) < 0)) {
            line.append("; a negative slope is noise (a process's share moved less than a window's spread): longer"
                    + " windows (--seconds) or more steps narrow it");
        }
        return line.toString();
    }

    /** CPU used per role as a percentage of one core: {@code geo 61 · gateway 48 · ...}. */
    private static String cpuShares(Map<String, Double> microsPerSecond) {
        List<String> shares = new ArrayList<>();
        microsPerSecond.forEach((role, micros) -> shares.add(String.format("%s %d", role, Math.round(micros / 10_000))));
        return String.join(" · ", shares);
    }
}
