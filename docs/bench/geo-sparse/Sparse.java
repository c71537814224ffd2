// A throwaway measurement loop for docs/bench/geo-sparse/run.sh (not part of the build): a 10 km nearby query, timed.
import io.natrix.ride.geo.GeoIndex;
import java.time.Duration;
import java.util.SplittableRandom;
public class Sparse {
    public static void main(String[] a) {
        int drivers = Integer.parseInt(a[0]);
        GeoIndex index = new GeoIndex(Duration.ofMinutes(10), System::currentTimeMillis);
        SplittableRandom r = new SplittableRandom(42);
        long now = System.currentTimeMillis();
        for (int i = 0; i < drivers; i++) {
            String id = "d" + i;
            index.availability(id, true, now);
            index.update(id, 32.03 + r.nextDouble() * 0.10, 34.74 + r.nextDouble() * 0.10, now);
        }
        for (int round = 0; round < 5; round++) {
            long t = System.nanoTime(); int n = 0, found = 0;
            while (System.nanoTime() - t < 1_000_000_000L) {
                found += index.nearby(32.04 + r.nextDouble() * 0.08, 34.75 + r.nextDouble() * 0.08, 10_000, 10).size();
                n++;
            }
            System.out.printf("%d drivers: %.1f us per 10 km query (%.1f found)%n", drivers, 1e3 / n * 1e3, found / (double) n);
        }
    }
}
