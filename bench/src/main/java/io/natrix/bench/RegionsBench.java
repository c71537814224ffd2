package io.natrix.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.Natrix;
import io.natrix.ride.geo.GeoRegions;
import io.natrix.testkit.NatsServerProcess;
import io.natrix.testkit.NatsSupercluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code ./natrix bench regions [positions]}: what crosses the gateways between two regions when positions are
 * sharded by place ({@link GeoRegions}). Two regions (north and south of latitude 32), each a cluster of two
 * nats-servers, joined by gateways. In each, a geo shard's two listeners (its own region's positions, its
 * border ring) and a gateway's publisher sending positions of its region, one in ten within 10 km of the border.
 * The gateways' message counters ({@code /gatewayz}, outbound) say what crossed: in the first phase only the
 * ring copies should; in the second a listener of every position in the north (a dashboard) makes the south's
 * positions cross too: NATS sends a subject across a gateway only where someone listens.
 */
final class RegionsBench {

    private static final GeoRegions REGIONS = GeoRegions.parse("north:32.0,34.0,33.0,36.0;south:31.0,34.0,32.0,36.0");
    private static final ObjectMapper JSON = new ObjectMapper();

    private RegionsBench() {
    }

    static void run(List<String> args) throws Exception {
        if (args.contains("--help") || args.size() > 1) {
            throw new IllegalArgumentException("usage: ./natrix bench regions [positions per region (20000)]");
        }
        int positions = args.isEmpty() ? 20_000 : Integer.parseInt(args.getFirst());
        try (NatsSupercluster world = NatsSupercluster.start(List.of("north", "south"), 2, Optional.empty(), false, Optional.empty())) {
            System.out.printf("natrix bench regions: %s, %,d positions per region, one in ten within 10 km of the border%n",
                    world, positions);
            System.out.print(world.topology());
            List<Natrix> open = new ArrayList<>();
            try {
                LongAdder heard = new LongAdder();
                for (String region : world.regions()) {
                    Natrix shard = connect(world, region, open);
                    shard.service("geo-" + region)
                            .broadcastListener(GeoRegions.positionsOf(REGIONS.named(region)) + ".>", byte[].class, e -> heard.increment())
                            .broadcastListener(GeoRegions.ringOf(REGIONS.named(region)) + ".>", byte[].class, e -> heard.increment())
                            .start();
                }
                Natrix northGateway = connect(world, "north", open);
                Natrix southGateway = connect(world, "south", open);
                System.out.println();
                System.out.println("| phase | positions published (own + ring copies) | messages north→south | messages south→north | the ring copies sent each way |");
                System.out.println("|---|---:|---:|---:|---:|");
                phase("geo shards only", world, northGateway, southGateway, positions, heard);
                LongAdder dashboard = new LongAdder();
                connect(world, "north", open).service("dashboard")
                        .broadcastListener(io.natrix.ride.geo.GeoApi.POSITIONS + ".>", byte[].class, e -> dashboard.increment()).start();
                phase("+ a listener of every position in the north", world, northGateway, southGateway, positions, heard);
                System.out.printf("%nthe north's listener of every position heard %,d (both regions' own positions)%n", dashboard.sum());
            } finally {
                open.forEach(Natrix::close);
            }
        }
    }

    private static Natrix connect(NatsSupercluster world, String region, List<Natrix> open) {
        Natrix natrix = Natrix.builder().servers(world.servers(region)).region(region).shutdownHook(false)
                .drainTimeout(Duration.ofSeconds(1)).connect();
        open.add(natrix);
        return natrix;
    }

    /** One phase: each region's gateway publishes its positions; the gateways' counters before and after. */
    private static void phase(String name, NatsSupercluster world, Natrix northGateway, Natrix southGateway, int positions,
                              LongAdder heard) throws Exception {
        long northOut = out(world, "north");
        long southOut = out(world, "south");
        long heardBefore = heard.sum();
        int[] north = publish(northGateway, 32.0, 33.0, positions, 1);
        int[] south = publish(southGateway, 31.0, 32.0, positions, 2);
        long expected = heardBefore + north[0] + north[1] + south[0] + south[1];
        long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (heard.sum() < expected && System.nanoTime() < giveUp) {
            Thread.sleep(20);
        }
        if (heard.sum() < expected) {
            throw new IllegalStateException(name + ": the shards heard " + (heard.sum() - heardBefore) + " of "
                    + (expected - heardBefore) + " messages within 30 s");
        }
        System.out.printf("| %s | north %,d + %,d, south %,d + %,d | %,d | %,d | %,d and %,d |%n", name,
                north[0], north[1], south[0], south[1], out(world, "north") - northOut, out(world, "south") - southOut,
                north[1], south[1]);
    }

    /**
     * Publishes {@code count} positions between two latitudes, a tenth within 0.05° (5.6 km) of latitude 32, each on
     * the subjects its place names; returns how many went to the own region's subject and how many ring copies.
     */
    private static int[] publish(Natrix gateway, double fromLat, double toLat, int count, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        int own = 0;
        int ring = 0;
        for (int i = 0; i < count; i++) {
            boolean nearBorder = i % 10 == 0;
            double lat = nearBorder ? (fromLat >= 32.0 ? 32.0 + random.nextDouble(0.05) : 32.0 - random.nextDouble(0.05))
                    : (fromLat >= 32.0 ? 32.15 + random.nextDouble(toLat - 32.15) : fromLat + random.nextDouble(32.0 - 0.15 - fromLat));
            double lng = 34.5 + random.nextDouble(1.0);
            byte[] line = ("{\"driverId\":\"d" + seed + "-" + i + "\",\"lat\":" + lat + ",\"lng\":" + lng + ",\"at\":0}\n")
                    .getBytes(StandardCharsets.UTF_8);
            for (String subject : REGIONS.batchSubjects(lat, lng)) {
                gateway.publish(subject, line);
                if (subject.startsWith(GeoRegions.RING)) {
                    ring++;
                } else {
                    own++;
                }
            }
        }
        gateway.nats().flush(Duration.ofSeconds(10));
        return new int[]{own, ring};
    }

    /** Messages {@code region}'s servers have sent over their outbound gateways so far. */
    private static long out(NatsSupercluster world, String region) throws Exception {
        long sum = 0;
        for (NatsServerProcess server : world.region(region)) {
            for (JsonNode gateway : JSON.readTree(server.monitor("/gatewayz")).path("outbound_gateways")) {
                sum += gateway.path("connection").path("out_msgs").asLong();
            }
        }
        return sum;
    }
}
