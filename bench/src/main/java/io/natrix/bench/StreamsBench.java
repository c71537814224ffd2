package io.natrix.bench;

import io.natrix.Natrix;
import io.natrix.testkit.NatsServerProcess;
import org.HdrHistogram.Recorder;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * {@code ./natrix bench streams [N] [seconds]}: N riders each hold a stream from a gateway in its own JVM, and
 * each gets one update a second through NATS. Prints the gateway's heap and resident memory per stream, the
 * deliveries, and publish-to-client latency.
 */
final class StreamsBench {

    private StreamsBench() {
    }

    public static void main(String[] args) throws Exception {
        int streams = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        NatsServerProcess nats = NatsServerProcess.start(1, false).getFirst();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process gateway = new ProcessBuilder(java, "-XX:+UseParallelGC", "--add-opens=java.base/java.lang=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                StreamGateway.class.getName(), nats.url(), Integer.toString(streams))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader gatewayOut = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
        PrintStream gatewayIn = new PrintStream(gateway.getOutputStream(), true, StandardCharsets.UTF_8);
        String ready = gatewayOut.readLine();
        int port = Integer.parseInt(ready.split(" ")[1]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger open = new AtomicInteger();
        LongAdder delivered = new LongAdder();
        Recorder latency = new Recorder(Duration.ofSeconds(60).toNanos(), 3);
        List<Thread> clients = new ArrayList<>();
        try (Natrix publisher = Natrix.builder().servers(nats.url()).connectionName("streams-publisher").shutdownHook(false).connect()) {
            long[] before = stats(gatewayIn, gatewayOut);
            long started = System.nanoTime();
            for (int i = 0; i < streams; i++) {
                String rider = "r" + i;
                clients.add(Thread.ofVirtual().start(() -> follow(http, port, rider, running, open, delivered, latency)));
                if (i % 500 == 499) {
                    Thread.sleep(50); // a ramp, not a connection storm
                }
            }
            while (open.get() < streams && System.nanoTime() - started < Duration.ofSeconds(120).toNanos()) {
                Thread.sleep(100);
            }
            double openSeconds = (System.nanoTime() - started) / 1e9;
            Thread.sleep(1000); // let every subscription reach the server
            long[] held = stats(gatewayIn, gatewayOut);
            delivered.reset();
            latency.reset();
            long publishStarted = System.nanoTime();
            for (int second = 0; second < seconds; second++) {
                for (int slice = 0; slice < 100; slice++) { // spread each second's updates over ten-millisecond slices
                    // stamped with when it was due, not when the publisher got to it: a publisher that falls
                    // behind shows as latency instead of hiding it (an open loop's schedule)
                    long due = publishStarted + Duration.ofSeconds(second).toNanos() + slice * 10_000_000L;
                    byte[] update = ("{\"sentAt\":" + due + "}").getBytes(StandardCharsets.US_ASCII);
                    for (int i = slice; i < streams; i += 100) {
                        publisher.publish("ms.riders.r" + i + ".updates", update);
                    }
                    long next = due + 10_000_000L;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        Thread.sleep(Duration.ofNanos(sleep));
                    }
                }
            }
            Thread.sleep(1000);
            long expected = (long) streams * seconds;
            var histogram = latency.getIntervalHistogram();
            System.out.printf("natrix bench streams: %,d streams opened in %.1f s; %d s of one update per stream per second%n%n",
                    open.get(), openSeconds, seconds);
            System.out.println("| streams | gateway heap | heap per stream | gateway RSS | RSS per stream | platform threads | delivered | p50 ms | p99 ms | max ms |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            System.out.printf("| 0 | %,d MiB | | %,d MiB | | %d | | | | |%n", before[0] >> 20, before[1] >> 20, before[2]);
            System.out.printf("| %,d | %,d MiB | %,.1f KiB | %,d MiB | %,.1f KiB | %d | %,d of %,d | %.1f | %.1f | %.1f |%n",
                    open.get(), held[0] >> 20, (held[0] - before[0]) / 1024.0 / streams, held[1] >> 20,
                    (held[1] - before[1]) / 1024.0 / streams, held[2], delivered.sum(), expected,
                    histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6,
                    histogram.getMaxValue() / 1e6);
        } finally {
            running.set(false);
            clients.forEach(Thread::interrupt);
            gatewayIn.close();
            gateway.waitFor(20, TimeUnit.SECONDS);
            gateway.destroyForcibly();
            nats.stop();
        }
    }

    private static void follow(HttpClient http, int port, String rider, AtomicBoolean running, AtomicInteger open,
                               LongAdder delivered, Recorder latency) {
        try {
            HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/v1/riders/" + rider + "/updates")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                return;
            }
            open.incrementAndGet();
            try (Stream<String> lines = response.body()) {
                var iterator = lines.iterator();
                while (running.get() && iterator.hasNext()) {
                    String line = iterator.next();
                    if (line.startsWith("{\"sentAt\":")) {
                        long sentAt = Long.parseLong(line.substring(10, line.length() - 1));
                        latency.recordValue(Math.max(0, System.nanoTime() - sentAt));
                        delivered.increment();
                    }
                }
            }
        } catch (Exception e) {
            // the benchmark is over, or this stream failed (counted by what it did not deliver)
        }
    }

    private static long[] stats(PrintStream in, BufferedReader out) throws Exception {
        in.println("stats");
        String[] parts = out.readLine().split(" ");
        return new long[]{Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3])};
    }
}
