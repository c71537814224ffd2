package io.natrix.ride.sim;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./natrix sim}: N drivers and M riders on the real HTTP API of one or more gateways, with a status line
 * once a second and a summary at the end.
 */
public final class Simulator implements AutoCloseable {

    /** What to simulate. */
    public record Options(List<String> gateways, int drivers, int riders, double meanSecondsBetweenRequests,
                          double speedMetersPerSecond, Duration duration) {
    }

    private final Options options;
    private final SimStats stats = new SimStats();
    private final List<Thread> agents = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public Simulator(Options options) {
        this.options = options;
    }

    /** Starts every driver and rider (ramping up), spread over the gateways. */
    public void start() throws InterruptedException {
        StreetGrid grid = StreetGrid.telAviv();
        for (int i = 0; i < options.drivers(); i++) {
            SimHttp gateway = new SimHttp(http, options.gateways().get(i % options.gateways().size()));
            SimDriver driver = new SimDriver(gateway, grid, stats, 1_000 + i, options.speedMetersPerSecond());
            agents.add(Thread.ofVirtual().name("driver-" + i).start(driver::run));
            ramp(i);
        }
        for (int i = 0; i < options.riders(); i++) {
            SimHttp gateway = new SimHttp(http, options.gateways().get(i % options.gateways().size()));
            SimRider rider = new SimRider(gateway, grid, stats, 50_000 + i, options.meanSecondsBetweenRequests());
            agents.add(Thread.ofVirtual().name("rider-" + i).start(rider::run));
            ramp(i);
        }
    }

    private static void ramp(int i) throws InterruptedException {
        if (i % 100 == 99) {
            Thread.sleep(100);
        }
    }

    /** Prints a status line every second for the options' duration, then the summary. */
    public void report(PrintStream out, boolean sameLine) throws InterruptedException {
        long started = System.nanoTime();
        long lastUpdates = 0;
        while (Duration.ofNanos(System.nanoTime() - started).compareTo(options.duration()) < 0) {
            Thread.sleep(1000);
            long updates = stats.locationUpdates.sum();
            Histogram[] recent = stats.interval();
            String line = String.format("%4ds  drivers %,d  riders %,d  locations %,d/s  nearby fresh p50 %,d ms p99 %,d ms (position age p99 %,d ms)"
                            + "  match p50 %,.1f s p99 %,.1f s  rides %,d requested %,d completed %,d unmatched  errors %,d",
                    Duration.ofNanos(System.nanoTime() - started).toSeconds(), stats.driversOnline.get(), stats.ridersOnline.get(),
                    updates - lastUpdates, recent[0].getValueAtPercentile(50), recent[0].getValueAtPercentile(99),
                    recent[2].getValueAtPercentile(99),
                    recent[1].getValueAtPercentile(50) / 1000.0, recent[1].getValueAtPercentile(99) / 1000.0,
                    stats.ridesRequested.sum(), stats.ridesCompleted.sum(), stats.ridesUnmatched.sum(), stats.errors.sum());
            lastUpdates = updates;
            out.print(sameLine ? "\r\033[2K" + line : line + System.lineSeparator());
            out.flush();
        }
        out.println();
        out.println(summary());
    }

    public String summary() {
        Histogram freshness = stats.freshnessTotal();
        Histogram match = stats.matchTotal();
        Histogram positionAge = stats.positionAgeTotal();
        return String.format("summary: %,d drivers, %,d riders; %,d location updates, %,d nearby updates (freshness p50 %,d ms,"
                        + " p99 %,d ms; freshest position age p50 %,d ms, p99 %,d ms); rides: %,d requested, %,d accepted (time to match p50 %.1f s, p99 %.1f s), %,d completed,"
                        + " %,d unmatched, %,d offers declined, %,d answers too late; errors %,d%s",
                stats.driversOnline.get(), stats.ridersOnline.get(), stats.locationUpdates.sum(), stats.nearbyUpdates.sum(),
                freshness.getValueAtPercentile(50), freshness.getValueAtPercentile(99),
                positionAge.getValueAtPercentile(50), positionAge.getValueAtPercentile(99), stats.ridesRequested.sum(),
                stats.ridesAccepted.sum(), match.getValueAtPercentile(50) / 1000.0, match.getValueAtPercentile(99) / 1000.0,
                stats.ridesCompleted.sum(), stats.ridesUnmatched.sum(), stats.offersDeclined.sum(), stats.lateAnswers.sum(),
                stats.errors.sum(),
                stats.errors.sum() == 0 ? "" : " (last: " + stats.lastError() + ")");
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
        agents.forEach(Thread::interrupt);
        for (Thread agent : agents) {
            try {
                agent.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        http.close();
    }
}
