import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * What one read of the current thread's CPU clock costs (ReaderShare times one run in four with two of them),
 * beside System.nanoTime: five rounds of a million reads each. Run from the repository's root:
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java docs/bench/reader-as-carrier-2026-12-06/cpu-clock/CpuClock.java
 */
public class CpuClock {
    public static void main(String[] args) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 1_000_000; i++) {
                sink += threads.getCurrentThreadCpuTime();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < 1_000_000; i++) {
                sink += System.nanoTime();
            }
            long t2 = System.nanoTime();
            System.out.printf("thread CPU clock %.0f ns a read, System.nanoTime %.0f ns%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        }
        if (sink == 42) {
            System.out.println(); // keeps the reads from being optimized away
        }
    }
}
