// The timed-wait ping-pong behind BENCHMARKS.md, issue 15 goals 3 and 4 (2026-12-06, later):
//   /usr/lib/jvm/temurin-25-jdk-amd64/bin/java docs/bench/core-connection/PingPong.java timed   (then: untimed)
import java.util.concurrent.*;
import java.util.concurrent.locks.LockSupport;

public class PingPong {
    static volatile CompletableFuture<Object> slot;
    public static void main(String[] a) throws Exception {
        boolean timed = a[0].equals("timed");
        int n = 200_000;
        // responder: platform thread completing futures as they appear (like the reader thread)
        Thread responder = Thread.ofPlatform().daemon().start(() -> {
            while (true) {
                CompletableFuture<Object> f = slot;
                if (f != null) { slot = null; try { Thread.sleep(0, 50_000);} catch (Exception e) {} f.complete("x"); }
                else Thread.onSpinWait();
            }
        });
        for (int round = 0; round < 3; round++) {
            long[] took = new long[1];
            Thread caller = Thread.ofVirtual().start(() -> {
                long start = System.nanoTime();
                for (int i = 0; i < n / 10; i++) {
                    CompletableFuture<Object> f = new CompletableFuture<>();
                    slot = f;
                    try { if (timed) f.get(5, TimeUnit.SECONDS); else f.get(); } catch (Exception e) { throw new RuntimeException(e); }
                }
                took[0] = System.nanoTime() - start;
            });
            caller.join();
            System.out.printf("%s: %.1f us per round trip%n", a[0], took[0] / 1000.0 / (n / 10));
        }
    }
}
