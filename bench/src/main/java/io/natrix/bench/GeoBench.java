package io.natrix.bench;

import io.natrix.ride.geo.GeoApi;
import io.natrix.ListenerStats;
import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.ride.RideStorage;
import io.natrix.ride.geo.GeoIndex;
import io.natrix.ride.geo.GeoMessages.DriverAvailability;
import io.natrix.ride.geo.GeoMessages.DriverPosition;
import io.natrix.ride.geo.GeoMessages.NearbyDriver;
import io.natrix.ride.geo.GeoMessages.NearbyDrivers;
import io.natrix.ride.geo.GeoMessages.NearbyRequest;
import io.natrix.ride.geo.GeoService;
import io.natrix.testkit.NatsServerProcess;
import io.natrix.testkit.UnassignedPorts;
import org.HdrHistogram.Histogram;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.GeoCoordinate;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.args.GeoUnit;
import redis.clients.jedis.params.GeoSearchParam;
import redis.clients.jedis.resps.GeoRadiusResponse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * {@code ./natrix bench ride geo}: the geo service alone at 100,000 drivers beside Redis, on the same points and
 * the same queries in the same run: positions ingested per second by one geo instance (published over NATS)
 * and by Redis (GEOADD, 1,000 members a call), then nearest-10-within-1-km latency at 16 concurrent callers
 * (natrix call to ms.geo.Nearby; GEOSEARCH ... ASC COUNT 10 WITHDIST), and how often their answers agree.
 */
final class GeoBench {

    private static final int CALLERS = 16;

    record Point(String id, double lat, double lng) {
    }

    private GeoBench() {
    }

    /** The ids of the nearest 10 within {@code radiusMeters}, from the index itself: no network. */
    private static Function<Point, List<String>> inProcess(GeoIndex index, double radiusMeters) {
        return q -> index.nearby(q.lat(), q.lng(), radiusMeters, 10).stream().map(NearbyDriver::driverId).toList();
    }

    static void run(List<String> args) throws Exception {
        int drivers = !args.isEmpty() ? Integer.parseInt(args.get(0)) : 100_000;
        Duration measure = Duration.ofSeconds(args.size() > 1 ? Long.parseLong(args.get(1)) : 5);
        SplittableRandom random = new SplittableRandom(42);
        List<Point> fleet = new ArrayList<>(drivers);
        for (int i = 0; i < drivers; i++) {
            fleet.add(new Point("d" + i, 32.03 + random.nextDouble() * 0.10, 34.74 + random.nextDouble() * 0.10));
        }
        List<Point> queries = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            queries.add(new Point("q" + i, 32.04 + random.nextDouble() * 0.08, 34.75 + random.nextDouble() * 0.08));
        }
        System.out.printf("natrix bench ride (geo): %,d drivers, nearest 10 within 1 km, %d callers, %d s per measurement%n%n",
                drivers, CALLERS, measure.toSeconds());
        NatsServerProcess nats = NatsServerProcess.start(1, true).getFirst();
        RedisServer redis = RedisServer.start();
        try (Natrix geoInstance = Natrix.builder().servers(nats.url()).connectionName("geo").shutdownHook(false).connect();
             Natrix publisher = Natrix.builder().servers(nats.url()).connectionName("drivers").shutdownHook(false).connect();
             // as many pooled connections as callers (commons-pool's default is 8: half the callers would wait on the pool)
             JedisPooled jedis = new JedisPooled(poolOf(CALLERS), "127.0.0.1", redis.port())) {
            GeoIndex index = new GeoIndex(Duration.ofMinutes(10), System::currentTimeMillis);
            RideStorage.provision(publisher.nats(), 1); // as the demo's admin does
            Service geo = GeoService.start(geoInstance, index);

            long now = System.currentTimeMillis();
            for (Point p : fleet) { // every driver has gone online before the clock starts
                publisher.publish(GeoApi.AVAILABILITY + "." + p.id(), new DriverAvailability(p.id(), true, now));
            }
            while (heard(geo, GeoApi.AVAILABILITY) < drivers) {
                Thread.sleep(5);
            }
            long started = System.nanoTime();
            for (Point p : fleet) {
                publisher.publish(GeoApi.POSITIONS + "." + p.id(), new DriverPosition(p.id(), p.lat(), p.lng(), now));
            }
            while (index.size() < drivers && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(120)) {
                Thread.sleep(5);
            }
            double natsIngest = drivers / ((System.nanoTime() - started) / 1e9);

            started = System.nanoTime();
            for (int i = 0; i < drivers; i += 1000) {
                Map<String, GeoCoordinate> batch = new HashMap<>();
                for (Point p : fleet.subList(i, Math.min(drivers, i + 1000))) {
                    batch.put(p.id(), new GeoCoordinate(p.lng(), p.lat()));
                }
                jedis.geoadd("fleet", batch);
            }
            double redisIngest = drivers / ((System.nanoTime() - started) / 1e9);

            Function<Point, List<String>> natrixNearby = q -> publisher.call(GeoApi.NEARBY,
                    new NearbyRequest(q.lat(), q.lng(), 1000, 10), NearbyDrivers.class, Duration.ofSeconds(5))
                    .drivers().stream().map(NearbyDriver::driverId).toList();
            Function<Point, List<String>> redisNearby = q -> jedis.geosearch("fleet", GeoSearchParam.geoSearchParam()
                    .fromLonLat(q.lng(), q.lat()).byRadius(1000, GeoUnit.M).asc().count(10).withDist())
                    .stream().map(GeoRadiusResponse::getMemberByString).toList();

            double[] natrix = closedLoop(queries, natrixNearby, measure);
            double[] viaRedis = closedLoop(queries, redisNearby, measure);
            double[] local = closedLoop(queries, inProcess(index, 1_000), measure);
            // the fleet bench's riders ask within 10 km: in a dense city the answer is as near, the search as wide
            double[] localWide = closedLoop(queries, inProcess(index, 10_000), measure);
            double agreement = agreement(queries.subList(0, 500), natrixNearby, redisNearby);

            System.out.println("| store | positions ingested/s | nearby req/s | p50 µs | p99 µs | failed |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            System.out.printf("| natrix geo service over NATS (1 instance, H3 res %d) | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f |%n",
                    GeoIndex.RESOLUTION, natsIngest, natrix[0], natrix[1], natrix[2], natrix[3]);
            System.out.printf("| Redis 7 GEOADD / GEOSEARCH (Jedis, %d pooled connections) | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f |%n",
                    CALLERS, redisIngest, viaRedis[0], viaRedis[1], viaRedis[2], viaRedis[3]);
            System.out.printf("| GeoIndex in process (no network, for reference) | | %,.0f | %,.0f | %,.0f | %,.0f |%n",
                    local[0], local[1], local[2], local[3]);
            System.out.printf("| GeoIndex in process, nearest 10 within 10 km (the fleet bench riders' radius) | | %,.0f | %,.0f | %,.0f | %,.0f |%n",
                    localWide[0], localWide[1], localWide[2], localWide[3]);
            System.out.printf("%nsame nearest-10 ids from natrix geo and Redis on 500 queries: %.1f%% of ids%n", agreement * 100);
            geo.close();
        } finally {
            redis.stop();
            nats.stop();
        }
    }

    private static GenericObjectPoolConfig<Connection> poolOf(int connections) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(connections);
        pool.setMaxIdle(connections);
        return pool;
    }

    /**
     * {@value #CALLERS} callers on virtual threads for the duration: [req/s, p50 µs, p99 µs, failed]. A failed
     * query is counted and the caller goes on (a caller that died silently would lower the load unseen).
     */
    private static double[] closedLoop(List<Point> queries, Function<Point, List<String>> ask, Duration duration)
            throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> callers = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            histograms.add(histogram);
            int offset = c * 600;
            callers.add(Thread.ofVirtual().start(() -> {
                for (int i = offset; running.get(); i++) {
                    long t0 = System.nanoTime();
                    try {
                        ask.apply(queries.get(i % queries.size()));
                        histogram.recordValue(System.nanoTime() - t0);
                        done.increment();
                    } catch (RuntimeException e) {
                        failed.increment();
                    }
                }
            }));
        }
        long started = System.nanoTime();
        Thread.sleep(duration);
        running.set(false);
        for (Thread caller : callers) {
            caller.join();
        }
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        histograms.forEach(all::add);
        return new double[]{done.sum() / ((System.nanoTime() - started) / 1e9), all.getValueAtPercentile(50) / 1e3,
                all.getValueAtPercentile(99) / 1e3, failed.sum()};
    }

    private static double agreement(List<Point> queries, Function<Point, List<String>> a, Function<Point, List<String>> b) {
        long same = 0;
        long total = 0;
        for (Point q : queries) {
            Set<String> left = new HashSet<>(a.apply(q));
            List<String> right = b.apply(q);
            total += Math.max(left.size(), right.size());
            same += right.stream().filter(left::contains).count();
        }
        return total == 0 ? 1 : (double) same / total;
    }

    /** A redis-server this benchmark owns: free port, no persistence, its own directory, ended with this JVM however it dies. */
    private record RedisServer(Process process, int port, io.natrix.testkit.OrphanGuard guard) {

        static RedisServer start() throws Exception {
            int port = UnassignedPorts.choose();
            Path dir = Files.createTempDirectory("natrix-redis-");
            Process process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString())
                    .redirectOutput(dir.resolve("redis.log").toFile()).redirectErrorStream(true).start();
            for (int i = 0; i < 200; i++) {
                try (var socket = new java.net.Socket("127.0.0.1", port)) {
                    if (!process.isAlive()) {
                        break; // something else holds the port: this redis-server exited
                    }
                    return new RedisServer(process, port, io.natrix.testkit.OrphanGuard.watch(process.pid()));
                } catch (java.io.IOException notYet) {
                    Thread.sleep(25);
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException("redis-server did not start; see " + dir.resolve("redis.log"));
        }

        void stop() throws InterruptedException {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
            guard.close();
        }
    }

    /** Events handled so far by the service's listener on {@code subject}. */
    private static long heard(Service service, String subject) {
        return service.listeners().stream().filter(l -> l.subject().startsWith(subject)).mapToLong(ListenerStats::handled).sum();
    }
}
