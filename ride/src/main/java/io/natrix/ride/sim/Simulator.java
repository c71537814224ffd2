package io.natrix.ride.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code ./natrix sim}: N drivers and M riders on the real HTTP API of one or more gateways, with a status line
 * once a second and a summary at the end.
 */
public final class Simulator implements AutoCloseable {

    /**
     * What to simulate. {@code ingest}, when not empty, holds each gateway's event-loop ingest address
     * ({@code ws://host:port}, in the order of {@code gateways}), where its drivers open their location sockets
     * instead of the gateway's own port.
     */
    public record Options(List<String> gateways, List<String> ingest, int drivers, int riders, double meanSecondsBetweenRequests,
                          double speedMetersPerSecond, Duration duration, List<StreetGrid> grids) {
        public Options {
            gateways = List.copyOf(gateways);
            ingest = List.copyOf(ingest);
            grids = List.copyOf(grids);
            if (!ingest.isEmpty() && ingest.size() != gateways.size()) {
                throw new IllegalArgumentException("one ingest address per gateway, or none: " + gateways + " and " + ingest);
            }
            if (!grids.isEmpty() && grids.size() != gateways.size()) {
                throw new IllegalArgumentException("one street grid per gateway, or none: " + gateways.size() + " gateways, "
                        + grids.size() + " grids");
            }
        }

        /** Every agent in Tel Aviv. */
        public Options(List<String> gateways, List<String> ingest, int drivers, int riders, double meanSecondsBetweenRequests,
                       double speedMetersPerSecond, Duration duration) {
            this(gateways, ingest, drivers, riders, meanSecondsBetweenRequests, speedMetersPerSecond, duration, List.of());
        }

        /**
         * The same, each gateway's agents on their own streets ({@code grids}, in the order of {@code gateways}): the
         * regions of a supercluster, each with its own city. A gateway may be listed more than once, each time
         * with other streets (a town on the border between two regions, say): agents are spread evenly over the
         * list, so a gateway listed twice gets twice the agents.
         */
        public Options withStreets(List<StreetGrid> streets) {
            return new Options(gateways, ingest, drivers, riders, meanSecondsBetweenRequests, speedMetersPerSecond, duration, streets);
        }

        /** Where gateway number {@code i} (in the list) puts its agents. */
        StreetGrid grid(int i) {
            return grids.isEmpty() ? TEL_AVIV : grids.get(i);
        }

        /** Drivers on each gateway's own port. */
        public Options(List<String> gateways, int drivers, int riders, double meanSecondsBetweenRequests,
                       double speedMetersPerSecond, Duration duration) {
            this(gateways, List.of(), drivers, riders, meanSecondsBetweenRequests, speedMetersPerSecond, duration);
        }
    }

    private final Options options;
    private final SimStats stats = new SimStats();
    private static final int AGENTS_PER_CLIENT = 1_000;
    private static final int JOINING = 64;

    private final Semaphore joining = new Semaphore(JOINING);
    private final List<Thread> agents = new ArrayList<>();
    /** An HTTP client for calls, and its source address (on loopback), which its agents' streams use too. */
    private record Client(HttpClient http, java.util.Optional<java.net.InetAddress> source) {
    }

    private final List<Client> clients = new ArrayList<>();
    private final SimSockets sockets = new SimSockets(bug -> stats.error("simulator", bug));
    private static final StreetGrid TEL_AVIV = StreetGrid.telAviv();
    /** The ready check's own rider at each gateway: its sign-up (id and token). */
    private final Map<String, JsonNode> readyCheckers = new java.util.concurrent.ConcurrentHashMap<>();
    private final int firstAgent;
    private int driversStarted;
    private int ridersStarted;
    /** The summary is printed: the run reached its end. */
    private volatile boolean summarized;
    /** Set as the apps stop, before the lock {@link #grow} holds while it adds agents: it adds nobody more. */
    private volatile boolean closing;
    private boolean closed;

    public Simulator(Options options) {
        this(options, 0);
    }

    /**
     * Agents numbered from {@code firstAgent}: a part of a fleet simulated by several processes (each its own
     * numbers, so its agents start on their own streets and with their own choices).
     */
    public Simulator(Options options, int firstAgent) {
        this.options = options;
        this.firstAgent = firstAgent;
    }

    /**
     * Waits until every gateway's nearby stream has answered {@value #READY_ANSWERS} times in a row without an
     * error line (dispatch and geo answer) and the users service answers through it (sign-ups work), so the apps
     * start on a system that answers rather than on JVMs still loading and compiling (a demo's first seconds used
     * to be nothing but timeouts, and a circuit breaker opened by them). Returns how long it took.
     *
     * @throws IllegalStateException naming the gateway and its last error when it does not within {@code timeout}
     */
    public Duration awaitReady(Duration timeout) throws InterruptedException {
        long started = System.nanoTime();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            awaitNearby(client, "answer nearby queries", answer -> true, started, timeout);
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /**
     * Every gateway's nearby stream at the grid's centre (the whole city in its radius) answers {@value #READY_ANSWERS}
     * times in a row without an error line and with {@code wanted} true of each answer; all gateways are watched
     * at once.
     */
    private void awaitNearby(HttpClient client, String what, Predicate<JsonNode> wanted, long started, Duration timeout)
            throws InterruptedException {
        List<FollowedStream<JsonNode>> streams = new ArrayList<>();
        try {
            Map<String, ReadyCheck> checks = new LinkedHashMap<>();
            for (int g = 0; g < options.gateways().size(); g++) {
                String gateway = options.gateways().get(g);
                if (checks.containsKey(gateway)) {
                    continue; // listed again with other streets: checked once, at its first streets' centre
                }
                StreetGrid grid = options.grid(g);
                ReadyCheck check = new ReadyCheck(wanted); // the check's own counts, not the apps'
                checks.put(gateway, check);
                SimHttp checker = readyChecker(client, gateway, started, timeout);
                streams.add(new FollowedStream<>(checker.countedIn(check.seen),
                        "/v1/riders/" + checker.userId() + "/nearby?lat=" + grid.center().lat() + "&lng=" + grid.center().lng()
                                + "&radiusMeters=10000", true, // a rider's limit: the estimators rank as many drivers
                        "ready check of " + gateway, check.seen, StreamLine.TREES, check::answered, () -> { }, () -> { }).start());
            }
            for (Map.Entry<String, ReadyCheck> check : checks.entrySet()) {
                long left = timeout.toNanos() - (System.nanoTime() - started);
                if (!check.getValue().ready.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                    String last = check.getValue().seen.lastError();
                    throw new IllegalStateException(check.getKey() + " did not " + what + " within " + timeout.toSeconds()
                            + " s; last: " + (last.isEmpty() ? "no answer yet" : last));
                }
            }
        } finally {
            streams.forEach(FollowedStream::close);
        }
    }

    /**
     * A rider of the check's own, signed up through {@code gateway} once and kept: its sign-up is the check that
     * the users service answers through that gateway (a 503 or 504 means nobody answered yet), and its token
     * opens its nearby stream, as any rider's would.
     */
    private SimHttp readyChecker(HttpClient client, String gateway, long started, Duration timeout) throws InterruptedException {
        SimHttp anonymous = new SimHttp(client, sockets, java.util.Optional.empty(), gateway, new SimStats());
        JsonNode known = readyCheckers.get(gateway);
        if (known != null) {
            return anonymous.as(known).named(known.get("id").asText());
        }
        String last = "no answer yet";
        while (System.nanoTime() - started < timeout.toNanos()) {
            try {
                JsonNode signUp = anonymous.post("/v1/riders", Map.of("name", "Ready check", "phone", "+972 50 000 0000"), 1);
                readyCheckers.put(gateway, signUp);
                return anonymous.as(signUp).named(signUp.get("id").asText());
            } catch (SimHttp.Refused refused) {
                if (refused.appsOwnFault()) {
                    throw new IllegalStateException(gateway + " refused the ready check's sign-up: " + refused.getMessage());
                }
                last = refused.getMessage();
            } catch (IOException failed) {
                last = failed.toString();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the users service did not answer through " + gateway + " within "
                + timeout.toSeconds() + " s; last: " + last);
    }

    /**
     * Wanted answers in a row on one stream (read on the event loop only): an error line, or an answer that is not
     * wanted, since the last one restarts the count.
     */
    private static final class ReadyCheck {
        final CountDownLatch ready = new CountDownLatch(1);
        final SimStats seen = new SimStats();
        private final Predicate<JsonNode> wanted;
        private long errorsSeen;
        private int inARow;

        ReadyCheck(Predicate<JsonNode> wanted) {
            this.wanted = wanted;
        }

        void answered(JsonNode answer) {
            long errors = seen.errors.sum();
            inARow = errors == errorsSeen && wanted.test(answer) ? inARow + 1 : 0;
            errorsSeen = errors;
            if (inARow >= READY_ANSWERS) {
                ready.countDown();
            }
        }
    }

    /** How many answers in a row make a gateway ready. */
    static final int READY_ANSWERS = 5;

    /**
     * Starts every driver and rider of the options (ramping up), spread over the gateways: the drivers first, and
     * the riders once every driver has joined and every gateway's nearby answers hold drivers ranked by pick-up time
     * ({@value #READY_ANSWERS} in a row), so the whole path a rider's poll takes (gateway, dispatch, geo, the ETA
     * estimators) has answered before any rider counts on it, as in a city whose drivers come online first; the
     * riders then join {@value #RIDERS_JOINING_A_SECOND} a second.
     *
     * @throws IllegalStateException naming the gateway when its nearby answers hold no driver within a minute
     */
    public void start() throws InterruptedException {
        grow(options.drivers(), 0);
        joining.acquire(JOINING); // every driver has joined (or failed to): the riders do not meet the drivers' rush
        joining.release(JOINING);
        if (options.drivers() > 0 && options.riders() > 0) {
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                awaitNearby(client, "show a driver nearby", answer -> !answer.path("drivers").isEmpty(), System.nanoTime(),
                        Duration.ofMinutes(1));
            }
        }
        // the riders' apps open one after the other, not in one instant
        long began = System.nanoTime();
        int first = ridersStarted;
        int count = options.riders() - first;
        for (int r = 1; r <= count && !closing; r++) {
            long due = began + TimeUnit.SECONDS.toNanos(r - 1) / RIDERS_JOINING_A_SECOND;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait));
            }
            grow(options.drivers(), first + r);
        }
    }

    /**
     * How fast riders join at the start: a system just started, its JVMs still compiling the nearby path on two
     * cores, answered the demo's 200 streams opened within one second with timeouts (504) in three runs of five
     * (docs/bench/fresh-boot-2026-12-07); at 40 a second, none in four on a quiet day, but on a noisy one the
     * demo's first seconds had 596-1,082 errors in five runs; at 10 a second (200 riders over 20 s), 0 in four and
     * 4 in a fifth (docs/bench/noisy-day-2026-12-07).
     */
    static final int RIDERS_JOINING_A_SECOND = 10;

    /**
     * Adds drivers and riders until there are {@code drivers} and {@code riders}, spread over the gateways. At
     * most {@value #JOINING} agents are signing up at once, so the ramp goes as fast as the system takes it.
     */
    public synchronized void grow(int drivers, int riders) throws InterruptedException {
        for (; driversStarted < drivers && !closing; driversStarted++) {
            int i = driversStarted;
            SimDriver driver = new SimDriver(http(i), options.grid(i % options.gateways().size()), stats, 1_000 + firstAgent + i, options.speedMetersPerSecond());
            joining.acquire();
            agents.add(Thread.ofVirtual().name("driver-" + i).start(() -> driver.run(joining::release)));
        }
        for (; ridersStarted < riders && !closing; ridersStarted++) {
            int i = ridersStarted;
            SimRider rider = new SimRider(http(i), options.grid(i % options.gateways().size()), stats, 50_000 + firstAgent + i, options.meanSecondsBetweenRequests());
            joining.acquire();
            agents.add(Thread.ofVirtual().name("rider-" + i).start(() -> rider.run(joining::release)));
        }
    }

    /**
     * Agent {@code i}'s gateway, through one of several HTTP clients (each has its own selector thread). Against
     * gateways on this machine each client connects from its own loopback address (127.0.0.2, .3, ...): a source
     * address has about 28,000 ephemeral ports towards one gateway, fewer than a large fleet's connections.
     */
    private SimHttp http(int i) {
        int client = agents.size() / AGENTS_PER_CLIENT;
        while (clients.size() <= client) {
            HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
            java.util.Optional<java.net.InetAddress> source = java.util.Optional.empty();
            if (options.gateways().stream().allMatch(Simulator::onLoopback)) {
                byte[] address = {127, 0, 0, (byte) (2 + clients.size() % 250)};
                try {
                    source = java.util.Optional.of(java.net.InetAddress.getByAddress(address));
                } catch (java.net.UnknownHostException impossible) {
                    throw new IllegalStateException(impossible);
                }
                builder.localAddress(source.get());
            }
            clients.add(new Client(builder.build(), source));
        }
        Client chosen = clients.get(client);
        int gateway = i % options.gateways().size();
        String webSockets = options.ingest().isEmpty() ? options.gateways().get(gateway).replaceFirst("^http", "ws")
                : options.ingest().get(gateway);
        return new SimHttp(chosen.http(), sockets, chosen.source(), options.gateways().get(gateway), webSockets, stats);
    }

    private static boolean onLoopback(String gateway) {
        String host = java.net.URI.create(gateway).getHost();
        return host != null && (host.equals("localhost") || host.startsWith("127."));
    }

    /**
     * What the drivers and riders saw during one measured window. Nearby counts answers only (an error line is
     * an error); {@code nearbyWithDrivers} those with a driver in them; {@code nearbyByEstimator} how they were
     * ranked ({@code distance}: no ETA estimator answered in time; {@code none}: nobody near); freshness has one
     * sample per answer, from the moment the gateway asked.
     */
    public record Window(Duration length, int driversOnline, int ridersOnline, double locationsPerSecond,
                         double nearbyPerSecond, long nearbyAnswers, long nearbyWithDrivers,
                         Map<String, Long> nearbyByEstimator, Histogram freshness, Histogram positionAge,
                         Histogram nearbyGap, long ridesAccepted, long ridesCompleted, long errors,
                         Map<String, Long> errorsByCause, String lastError) {

        /** {@code 503 ×40, stream lost ×2}, or empty. */
        public String errorCauses() {
            return SimStats.byCount(errorsByCause);
        }

        /** {@code quick ×900, careful ×80, distance ×20}, or empty. */
        public String estimators() {
            return SimStats.byCount(nearbyByEstimator);
        }
    }

    /** Watches for {@code length} and returns what was seen in that time only. */
    public Window measure(Duration length) throws InterruptedException {
        Counters before = stats.betweenAnswers(() -> {
            stats.interval(); // drop what came before
            return counters();
        });
        long started = System.nanoTime();
        Thread.sleep(length);
        Taken taken = stats.betweenAnswers(() -> new Taken(stats.interval(), counters()));
        double seconds = (System.nanoTime() - started) / 1e9;
        Histogram[] seen = taken.samples();
        Counters after = taken.counters();
        long answers = after.nearbyUpdates() - before.nearbyUpdates();
        return new Window(length, stats.driversOnline.get(), stats.ridersOnline.get(),
                (after.locationUpdates() - before.locationUpdates()) / seconds, answers / seconds, answers,
                after.nearbyWithDrivers() - before.nearbyWithDrivers(),
                SimStats.minus(after.nearbyByEstimator(), before.nearbyByEstimator()),
                seen[0], seen[2], seen[3], after.ridesAccepted() - before.ridesAccepted(),
                after.ridesCompleted() - before.ridesCompleted(), after.errors() - before.errors(),
                SimStats.minus(after.errorsByCause(), before.errorsByCause()), after.lastError());
    }

    /** A window's samples and the counters at its end, taken between two answers. */
    private record Taken(Histogram[] samples, Counters counters) {
    }

    /**
     * Prints a status line every second for the options' duration, then the summary; returns at once, saying no
     * more, when the apps are stopped before then ({@link #stopBeforeTheSystem}).
     */
    public void report(PrintStream out, boolean sameLine) throws InterruptedException {
        long started = System.nanoTime();
        long lastUpdates = 0;
        long lastNearby = 0;
        Set<String> told = new HashSet<>();
        while (Duration.ofNanos(System.nanoTime() - started).compareTo(options.duration()) < 0) {
            Thread.sleep(1000);
            if (closing) {
                return; // stopped before its end: stopBeforeTheSystem said what the run saw
            }
            long updates = stats.locationUpdates.sum();
            long nearby = stats.nearbyUpdates.sum();
            Histogram[] recent = stats.interval();
            long errors = stats.errors.sum();
            String line = String.format("%4ds  drivers %,d  riders %,d  locations %,d/s  nearby %,d/s fresh p50 %,d ms p99 %,d ms (position age p99 %,d ms)"
                            + "  match p50 %,.1f s p99 %,.1f s  rides %,d requested %,d completed %,d unmatched  errors %,d%s",
                    Duration.ofNanos(System.nanoTime() - started).toSeconds(), stats.driversOnline.get(), stats.ridersOnline.get(),
                    updates - lastUpdates, nearby - lastNearby, recent[0].getValueAtPercentile(50), recent[0].getValueAtPercentile(99),
                    recent[2].getValueAtPercentile(99),
                    recent[1].getValueAtPercentile(50) / 1000.0, recent[1].getValueAtPercentile(99) / 1000.0,
                    stats.ridesRequested.sum(), stats.ridesCompleted.sum(), stats.ridesUnmatched.sum(), errors,
                    errors == 0 ? "" : " (" + SimStats.byCount(SimStats.snapshot(stats.errorsByCause)) + ")");
            lastUpdates = updates;
            lastNearby = nearby;
            // a new kind of error is told in words on a line of its own, as it first happens: which call, on which
            // gateway, what the gateway answered (the service it names), not only as a count
            for (Map.Entry<String, String> first : stats.firstByCause().entrySet()) {
                if (told.add(first.getKey())) {
                    out.print((sameLine ? "\r\033[2K" : "") + "first error of its kind (" + first.getKey() + "): "
                            + first.getValue() + System.lineSeparator());
                }
            }
            out.print(sameLine ? "\r\033[2K" + line : line + System.lineSeparator());
            out.flush();
        }
        out.println();
        out.println(summary());
        summarized = true;
    }

    /**
     * Stops the apps before the system they speak to stops (a demo stopped by Ctrl-C or a signal): when they
     * still run and the run has not reached its end, prints its summary so far on {@code out}. Returns the errors
     * the apps saw until now: what stopping the system would do to their streams and calls afterwards is not the
     * run's.
     */
    public long stopBeforeTheSystem(PrintStream out) {
        long errors = errors();
        if (!summarized && !closing) {
            out.println();
            out.println("stopped: " + summary());
            out.flush();
        }
        close();
        return errors;
    }

    /**
     * The apps were stopped before the run reached its end ({@link #stopBeforeTheSystem}): a stop by signal is
     * under way, and whoever reported them has nothing more to do (the JVM is stopping: its shutdown hooks may
     * no longer be removed).
     */
    public boolean stopped() {
        return closing && !summarized;
    }

    public String summary() {
        Histogram freshness = stats.freshnessTotal();
        Histogram match = stats.matchTotal();
        Histogram positionAge = stats.positionAgeTotal();
        long errors = stats.errors.sum();
        return String.format("summary: %,d drivers, %,d riders online; %,d location updates, %,d nearby updates (%,d with drivers;"
                        + " ranked by %s; freshness p50 %,d ms, p99 %,d ms; freshest position age p50 %,d ms, p99 %,d ms);"
                        + " rides: %,d requested, %,d accepted (time to match p50 %.1f s, p99 %.1f s), %,d completed,"
                        + " %,d unmatched, %,d offers declined, %,d answers too late; %,d retries; errors %,d%s",
                stats.driversOnline.get(), stats.ridersOnline.get(), stats.locationUpdates.sum(), stats.nearbyUpdates.sum(),
                stats.nearbyWithDrivers.sum(), orNothing(SimStats.byCount(SimStats.snapshot(stats.nearbyByEstimator))),
                freshness.getValueAtPercentile(50), freshness.getValueAtPercentile(99),
                positionAge.getValueAtPercentile(50), positionAge.getValueAtPercentile(99), stats.ridesRequested.sum(),
                stats.ridesAccepted.sum(), match.getValueAtPercentile(50) / 1000.0, match.getValueAtPercentile(99) / 1000.0,
                stats.ridesCompleted.sum(), stats.ridesUnmatched.sum(), stats.offersDeclined.sum(), stats.lateAnswers.sum(),
                stats.retries.sum(), errors,
                errors == 0 ? "" : " (" + SimStats.byCount(SimStats.snapshot(stats.errorsByCause)) + "; first of each: "
                        + firstOfEach() + "; last: " + stats.lastError() + ")");
    }

    /** The first error of each cause, in words: {@code 503: nearby of r1: 503 ... | stream lost: ...}. */
    public String firstOfEach() {
        return stats.firstByCause().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + ": " + e.getValue()).collect(java.util.stream.Collectors.joining(" | "));
    }

    private static String orNothing(String counts) {
        return counts.isEmpty() ? "nothing" : counts;
    }

    /** Running totals, for measuring what happened between two moments. */
    public record Counters(long requests, long retries, long errors, long errorLines, long locationUpdates,
                           long nearbyUpdates, long nearbyWithDrivers, Map<String, Long> nearbyByEstimator,
                           long ridesAccepted, long ridesCompleted, Map<String, Long> errorsByCause, String lastError,
                           Map<String, Long> rideErrorsByHome) {

        /** Failed steps of rides kept by {@code region} between {@code earlier} and these ({@link SimStats#rideErrorsByHome}). */
        public long rideErrorsSince(Counters earlier, String region) {
            return rideErrorsByHome.getOrDefault(region, 0L) - earlier.rideErrorsByHome().getOrDefault(region, 0L);
        }

        /** What happened between {@code earlier} and these: {@code 503 ×40, stream lost ×2}, or empty. */
        public String errorCausesSince(Counters earlier) {
            return SimStats.byCount(SimStats.minus(errorsByCause, earlier.errorsByCause()));
        }
    }

    public Counters counters() {
        return new Counters(stats.requests.sum(), stats.retries.sum(), stats.errors.sum(), stats.errorLines.sum(),
                stats.locationUpdates.sum(), stats.nearbyUpdates.sum(), stats.nearbyWithDrivers.sum(),
                SimStats.snapshot(stats.nearbyByEstimator), stats.ridesAccepted.sum(), stats.ridesCompleted.sum(),
                SimStats.snapshot(stats.errorsByCause), stats.lastError(), SimStats.snapshot(stats.rideErrorsByHome));
    }

    /** What the ledger says of every ride a rider was told was requested. */
    public record Integrity(int ridesRequested, int ridesMissing, int ridesAcceptedByTwoDrivers) {
    }

    /**
     * Looks up every ride the gateway accepted a request for (through {@code gateway}): one it cannot find was
     * lost; one that two different drivers were told was theirs (by the rider's stream or by the answer to a
     * driver's acceptance) was assigned twice.
     */
    public Integrity integrity(String gateway) throws InterruptedException {
        int missing = 0;
        Map<String, SimHttp> rides = Map.copyOf(stats.ridesRequestedIds);
        for (Map.Entry<String, SimHttp> ride : rides.entrySet()) {
            // asked as its rider (a rider sees only its own rides), through the gateway given
            if (!ride.getValue().at(gateway).exists("/v1/rides/" + ride.getKey())) {
                missing++;
            }
        }
        int doubled = (int) stats.acceptedBy.values().stream().filter(drivers -> drivers.size() > 1).count();
        return new Integrity(rides.size(), missing, doubled);
    }

    /** Rides completed so far. */
    public long ridesCompleted() {
        return stats.ridesCompleted.sum();
    }

    /** Errors seen so far by drivers and riders. */
    public long errors() {
        return stats.errors.sum();
    }

    SimStats stats() {
        return stats;
    }

    @Override
    public void close() {
        closing = true; // a grow under way stops adding agents and lets go of the lock
        synchronized (this) {
            if (!closed) {
                closed = true;
                stopAgents();
            }
        }
    }

    private void stopAgents() {
        agents.forEach(Thread::interrupt);
        for (Thread agent : agents) {
            try {
                agent.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        sockets.close();
        clients.forEach(client -> client.http().close());
    }
}
