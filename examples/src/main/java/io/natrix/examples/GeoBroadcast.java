package io.natrix.examples;

import io.natrix.Natrix;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The talk's broadcast: every geo instance receives every driver position on ms.geo.UpdatePoint. */
public final class GeoBroadcast {

    public record Point(String driverId, double lat, double lng) { }

    /** Starts a geo instance that records the positions it hears. */
    public static List<Point> listen(Natrix natrix) {
        List<Point> heard = new CopyOnWriteArrayList<>();
        natrix.service("geo").version("1.0.0")
                .broadcastListener("ms.geo.UpdatePoint", Point.class, heard::add)
                .start();
        return heard;
    }

    public static void main(String[] args) throws InterruptedException {
        try (Natrix natrix = Connect.from(args)) {
            List<Point> first = listen(natrix);
            List<Point> second = listen(natrix);
            natrix.publish("ms.geo.UpdatePoint", new Point("driver-7", 32.0853, 34.7818));
            Thread.sleep(200);
            System.out.println("first instance heard " + first + ", second heard " + second);
        }
    }
}
