package io.natrix.ride.harness;

import io.natrix.ride.RideSecurity;
import io.natrix.ride.sim.Simulator;
import io.natrix.ride.sim.StreetGrid;
import io.natrix.testkit.NatsServerProcess;
import io.natrix.testkit.UnassignedPorts;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.natrix.ride.harness.RegionalSystem.NORTH;
import static io.natrix.ride.harness.RegionalSystem.SOUTH;

/**
 * {@code ./natrix chaos --regions 2}: the ride system in two regions joined by NATS gateways
 * ({@link RegionalSystem}), a simulator per region (its city and its side of a border town, on its own HTTP
 * gateway), then the faults between regions, each a row of the table with every region's own counts:
 * <ul>
 *   <li>the north's whole NATS cluster killed (SIGKILL of each server), held, then started again on its ports with its
 *       stores: the south goes on while the north is lost (budget: none of its requests fails but steps of rides the
 *       north keeps, which a rider or driver of the south near the border may be on) and the north's processes
 *       reconnect by themselves and both regions serve normally again (budget: within the observed window). What
 *       fails in either region when the north returns is counted and told, by the second.</li>
 *   <li>every dispatch instance of the south stopped (drained), held, then started again: the south's riders are
 *       served by the north's dispatch through the gateways, with nothing configured, and by their own once it is
 *       back. Budget: no request of either region fails.</li>
 *   <li>the south's whole NATS cluster killed, the same way: the north goes on.</li>
 * </ul>
 * It exits non-zero when a ride was lost or assigned twice, or a budget was missed.
 */
final class RegionsChaos {

    /**
     * What one region's apps saw during a row. When the row loses a region: {@code whileLost}, the failures from the
     * kill until the region's restart began, but steps of rides that region keeps ({@link io.natrix.ride.HomeRegion}:
     * a rider or driver near the border on a ride the other region's dispatch took, which the loss takes with it
     * wherever its agents are); the other failures came with the region's return.
     */
    record Seen(long requests, long failed, String failures, long whileLost, long retried, long nearbyWithDrivers, int lost,
                int doubled, int requested) {
    }

    /** Each region's counters when a lost region's restart began. */
    private final Map<String, Simulator.Counters> atRestart = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * One row: the fault, what each region saw, how long the fault's own action took, when both regions were normal
     * again after it (null: not within the window), and whether its budget held.
     */
    record Row(String fault, Map<String, Seen> regions, Duration faultLasted, Duration recovery, List<String> missed, String note) {

        boolean clean() {
            return regions.values().stream().allMatch(seen -> seen.lost() == 0 && seen.doubled() == 0);
        }
    }

    private final Chaos.Options options;
    private final RegionalSystem system;
    private final Map<String, Simulator> apps;
    private final PrintStream out;

    private RegionsChaos(Chaos.Options options, RegionalSystem system, Map<String, Simulator> apps, PrintStream out) {
        this.options = options;
        this.system = system;
        this.apps = apps;
        this.out = out;
    }

    /** Runs it all and exits: 0 when every budget held. */
    static void main(Chaos.Options options) throws Exception {
        List<Row> rows = run(options, System.out);
        List<String> missed = rows.stream().flatMap(row -> row.missed().stream().map(why -> row.fault() + ": " + why)).toList();
        System.out.println(missed.isEmpty() ? "chaos: no ride lost, none assigned twice, every budget held in both regions"
                : "chaos: FAILED: " + String.join("; ", missed));
        System.exit(missed.isEmpty() ? 0 : 1);
    }

    /** Starts both regions and their apps, runs every fault, prints the table and returns its rows. */
    static List<Row> run(Chaos.Options options, PrintStream out) throws Exception {
        Optional<RideSecurity> security = Optional.of(RideSecurity.reuse(RideDemo.home(), Optional.of(RegionalSystem.REGIONS)));
        int[] ports = UnassignedPorts.choose(4);
        RegionalSystem system = RegionalSystem.startNats(security, ports);
        Thread cleanUp = Thread.ofPlatform().unstarted(system::close);
        Runtime.getRuntime().addShutdownHook(cleanUp);
        Map<String, Simulator> apps = new LinkedHashMap<>();
        boolean keepLogs = true; // unless every budget held
        try {
            system.startProcesses(out);
            int riders = Math.max(1, options.riders() / 2);
            int drivers = Math.max(1, options.drivers() / 2);
            // each region's agents: two thirds in its city, a third on its side of the border town, each on its own
            // region's gateway; the north's numbered after the south's, so no two agents are the same
            apps.put(SOUTH, simulator(system, SOUTH, StreetGrid.telAviv(), drivers, riders, 0));
            apps.put(NORTH, simulator(system, NORTH, RegionalSystem.HAIFA, drivers, riders, drivers + riders));
            for (Simulator simulator : apps.values()) {
                simulator.awaitReady(Duration.ofSeconds(180));
            }
            for (Simulator simulator : apps.values()) {
                simulator.start();
            }
            out.printf("simulating %d drivers and %d riders in each region (a ride every 15 s per rider); settling %d s%n",
                    drivers, riders, options.settle().toSeconds());
            Thread.sleep(options.settle());
            List<Row> rows = new RegionsChaos(options, system, apps, out).faults(riders);
            keepLogs = rows.stream().anyMatch(row -> !row.missed().isEmpty());
            return rows;
        } finally {
            apps.values().forEach(Simulator::close);
            Runtime.getRuntime().removeShutdownHook(cleanUp);
            system.close();
            system.logs(keepLogs, out);
        }
    }

    private static Simulator simulator(RegionalSystem system, String region, StreetGrid city, int drivers, int riders, int firstAgent) {
        String gateway = system.gateway(region);
        String ingest = system.ingest(region);
        return new Simulator(new Simulator.Options(List.of(gateway, gateway, gateway), List.of(ingest, ingest, ingest),
                drivers, riders, 15, 60, Duration.ofDays(1)).withStreets(List.of(city, city, RegionalSystem.BORDER_TOWN)), firstAgent);
    }

    /**
     * The faults, in an order that keeps each row's budget its own: a region is killed before the failover, not
     * after it, since the rides a region's dispatch takes for the other region's riders are kept in its own region
     * ({@link io.natrix.ride.HomeRegion}) and would go down with it, with riders of the other region on them.
     */
    private List<Row> faults(int ridersPerRegion) throws Exception {
        List<Row> rows = new ArrayList<>();
        Duration held = Duration.ofSeconds(10);
        // a killed region's servers come back as they were (ports and stores): its processes reconnect to the
        // addresses they know; one attempt that meets a server still starting may wait out a TLS connect timeout
        // (25 s), and JetStream elects its meta leader again (its quorum went with the region)
        Duration afterKill = options.observe().multipliedBy(4);
        rows.add(observe("none (baseline)", Set.of(SOUTH, NORTH), ridersPerRegion, options.observe(), () -> ""));
        rows.add(observe("the north's whole NATS cluster killed (SIGKILL of its 2 servers) for " + held.toSeconds()
                + " s, then started again", Set.of(SOUTH), Optional.of(NORTH), ridersPerRegion, afterKill, () -> killAndRestart(NORTH, held)));
        rows.add(observe("every dispatch instance of the south stopped (drained) for " + held.toSeconds() + " s, then started again",
                Set.of(SOUTH, NORTH), ridersPerRegion, options.observe(), () -> {
                    RideProcesses south = system.services(SOUTH);
                    List<RideProcesses.Instance> dispatch = south.instances().stream().filter(i -> i.role().equals("dispatch")).toList();
                    for (RideProcesses.Instance instance : dispatch) {
                        south.stop(instance);
                    }
                    Thread.sleep(held);
                    for (RideProcesses.Instance instance : dispatch) {
                        south.replace(instance);
                    }
                    return dispatch.size() + " stopped; meanwhile the south's rides and nearby answers were the north's dispatch's work";
                }));
        rows.add(observe("the south's whole NATS cluster killed (SIGKILL of its 2 servers; the leaf node the south's HTTP gateway"
                        + " uses loses its hub) for " + held.toSeconds() + " s, then started again", Set.of(NORTH), Optional.of(SOUTH),
                ridersPerRegion, afterKill, () -> killAndRestart(SOUTH, held)));
        printTable(rows);
        return rows;
    }

    private String killAndRestart(String region, Duration held) throws InterruptedException {
        long began = System.nanoTime();
        system.world().region(region).forEach(NatsServerProcess::kill);
        Thread.sleep(held);
        long restarting = System.nanoTime();
        apps.forEach((name, simulator) -> atRestart.put(name, simulator.counters()));
        system.world().restart(region);
        return String.format("killed by +%.1f s; restarted from +%.1f s; its servers back, JetStream with a leader, at +%.1f s",
                (restarting - held.toNanos() - began) / 1e9, (restarting - began) / 1e9, (System.nanoTime() - began) / 1e9);
    }

    /**
     * Injects the fault while each region's apps count, observes for {@code observe} after it, then checks every
     * ride. {@code unaffected}: the regions none of whose requests may fail (while {@code lostRegion} is lost, when
     * the row loses one).
     */
    private Row observe(String name, Set<String> unaffected, int ridersPerRegion, Duration observe, Chaos.Fault fault) throws Exception {
        return observe(name, unaffected, Optional.empty(), ridersPerRegion, observe, fault);
    }

    private Row observe(String name, Set<String> unaffected, Optional<String> lostRegion, int ridersPerRegion, Duration observe,
                        Chaos.Fault fault) throws Exception {
        out.printf("fault: %s ...%n", name);
        atRestart.clear();
        Map<String, Simulator.Counters> before = new LinkedHashMap<>();
        apps.forEach((region, simulator) -> before.put(region, simulator.counters()));
        long started = System.nanoTime();
        Map<String, Chaos.Recovery> recovery = new LinkedHashMap<>();
        List<Thread> watchers = new ArrayList<>();
        apps.forEach((region, simulator) -> {
            Chaos.Recovery watched = new Chaos.Recovery(ridersPerRegion, started);
            recovery.put(region, watched);
            watchers.add(Thread.ofVirtual().start(() -> Chaos.watch(simulator, watched)));
        });
        String note = fault.inject();
        long over = System.nanoTime();
        recovery.values().forEach(watched -> watched.faultOver(over));
        Duration lasted = Duration.ofNanos(over - started);
        Thread.sleep(observe);
        for (Thread watcher : watchers) {
            watcher.interrupt();
            watcher.join();
        }
        Map<String, Seen> seen = new LinkedHashMap<>();
        List<String> missed = new ArrayList<>();
        Duration normal = Duration.ZERO;
        for (Map.Entry<String, Simulator> app : apps.entrySet()) {
            String region = app.getKey();
            Simulator.Counters then = before.get(region);
            Simulator.Counters now = app.getValue().counters();
            Simulator.Integrity integrity = app.getValue().integrity(system.gateway(region));
            Simulator.Counters restarting = atRestart.getOrDefault(region, now);
            long whileLost = lostRegion.map(lost -> restarting.errors() - then.errors() - restarting.rideErrorsSince(then, lost)).orElse(0L);
            Seen counted = new Seen(now.requests() - then.requests(), now.errors() - then.errors(), now.errorCausesSince(then),
                    whileLost, now.retries() - then.retries(),
                    now.nearbyWithDrivers() - then.nearbyWithDrivers(), integrity.ridesMissing(), integrity.ridesAcceptedByTwoDrivers(),
                    integrity.ridesRequested());
            seen.put(region, counted);
            if (counted.lost() > 0 || counted.doubled() > 0) {
                missed.add(region + ": " + counted.lost() + " rides lost, " + counted.doubled() + " assigned twice");
            }
            if (unaffected.contains(region) && (lostRegion.isPresent() ? counted.whileLost() > 0 : counted.failed() > 0)) {
                missed.add(region + ": " + (lostRegion.isPresent() ? counted.whileLost() + " requests failed while " + lostRegion.get()
                        + " was lost, besides steps of its rides" : counted.failed() + " requests failed") + " (" + counted.failures()
                        + "; last: " + now.lastError() + ")");
            }
            Duration back = recovery.get(region).time();
            if (back == null) {
                missed.add(region + ": not normal again within " + observe.toSeconds() + " s after the fault");
                normal = null;
            } else if (normal != null && back.compareTo(normal) > 0) {
                normal = back;
            }
        }
        Row row = new Row(name, seen, lasted, normal, missed, note);
        seen.forEach((region, counted) -> out.printf("  %s: %,d requests, %,d failed%s, %,d retried, %,d nearby answers with"
                        + " drivers, %d rides lost of %d, %d assigned twice%n", region, counted.requests(), counted.failed(),
                counted.failed() == 0 ? "" : " (" + counted.failures() + (lostRegion.isEmpty() ? ""
                        : "; " + counted.whileLost() + " while the region was lost, besides steps of its rides") + "; by second since the fault began: "
                        + recovery.get(region).failuresOverTime() + ")", counted.retried(), counted.nearbyWithDrivers(),
                counted.lost(), counted.requested(), counted.doubled()));
        out.printf("  fault lasted %s, both regions normal again %s after it%s%n", Chaos.seconds(lasted), Chaos.format(normal),
                missed.isEmpty() ? "" : "; budget missed: " + String.join("; ", missed));
        return row;
    }

    private void printTable(List<Row> rows) {
        out.println();
        out.println("| fault | region | requests | failed (by cause) | of which while a region was lost, besides its rides' steps | retried"
                + " | nearby answers with drivers | rides lost | assigned twice | fault lasted | normal again after it | budget | note |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        for (Row row : rows) {
            boolean first = true;
            for (Map.Entry<String, Seen> region : row.regions().entrySet()) {
                Seen seen = region.getValue();
                out.printf("| %s | %s | %,d | %,d%s | %,d | %,d | %,d | %d | %d | %s | %s | %s | %s |%n", first ? row.fault() : "",
                        region.getKey(), seen.requests(), seen.failed(), seen.failed() == 0 ? "" : " (" + seen.failures() + ")",
                        seen.whileLost(), seen.retried(), seen.nearbyWithDrivers(), seen.lost(), seen.doubled(),
                        first ? Chaos.seconds(row.faultLasted()) : "", first ? Chaos.format(row.recovery()) : "",
                        first ? (row.missed().isEmpty() ? "held" : "MISSED") : "", first ? row.note().replace("|", "/") : "");
                first = false;
            }
        }
        out.println();
    }
}
