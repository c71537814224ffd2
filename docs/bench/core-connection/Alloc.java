// What one round trip (or one event) allocates, both sides, behind BENCHMARKS.md, issue 15 goals 3 and 4:
//   ./mvnw -q dependency:build-classpath -pl core -Dmdep.outputFile=/tmp/core.cp; nats-server -p 14999 &
//   java --class-path core/target/classes:$(cat /tmp/core.cp) docs/bench/core-connection/Alloc.java nats://127.0.0.1:14999 [events]
import io.natrix.*;
import java.lang.management.ManagementFactory;
import java.time.Duration;

public class Alloc {
    public static void main(String[] a) throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Natrix server = Natrix.builder().servers(a[0]).shutdownHook(false).connect();
             Natrix client = Natrix.builder().servers(a[0]).shutdownHook(false).connect()) {
            boolean listener = a.length > 1;
            server.service("echo").endpoint("Echo", byte[].class, b -> b)
                  .broadcastListener("ms.events", byte[].class, e -> { }).start();
            byte[] payload = new byte[16];
            for (int i = 0; i < 20_000; i++) client.call("ms.echo.Echo", payload, byte[].class, Duration.ofSeconds(5));
            for (int round = 0; round < 3; round++) {
                long before = mx.getTotalThreadAllocatedBytes();
                int n = 20_000;
                if (!listener) {
                    for (int i = 0; i < n; i++) client.call("ms.echo.Echo", payload, byte[].class, Duration.ofSeconds(5));
                } else {
                    long handled0 = server.services().get(0).listeners().get(0).handled();
                    for (int i = 0; i < n; i++) client.publish("ms.events", payload);
                    client.flush(Duration.ofSeconds(5));
                    while (server.services().get(0).listeners().get(0).handled() - handled0 < n) Thread.sleep(1);
                }
                long after = mx.getTotalThreadAllocatedBytes();
                System.out.printf("%s: %d bytes allocated per %s (both sides, all threads)%n", listener ? "event" : "call", (after - before) / n, listener ? "event" : "call");
            }
        }
    }
}
