package io.natrix.examples;

import java.util.concurrent.Executors;
import io.natrix.Natrix;
import io.natrix.NatrixException;
import io.natrix.examples.GeoBroadcast.Point;
import io.natrix.examples.UsersService.GetUser;
import io.natrix.examples.UsersService.User;
import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerProcess;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code ./natrix demo-core}: starts a secured nats-server it owns (TLS, one nkey user, keys made for the run and
 * removed after), 3 users instances and 3 geo instances, then shows GetUser balanced over the users instances and
 * every UpdatePoint reaching every geo instance, live.
 */
public final class Demo implements AutoCloseable {

    static final int INSTANCES = 3;
    static final int CALLERS = 4;
    static final int DRIVERS = 100;

    private final NatsServerProcess ownedServer;
    private final String url;
    private final Path creds;
    private final Path ca;
    private final List<Natrix> connections = new ArrayList<>();
    private final Map<String, LongAdder> servedBy = new ConcurrentHashMap<>();
    private final List<List<Point>> heardByGeo = new ArrayList<>();
    private final LongAdder calls = new LongAdder();
    private final LongAdder callErrors = new LongAdder();
    private final AtomicLong published = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> load = new ArrayList<>();

    /** On a secured server of its own (keys for this JVM alone, removed when it exits). */
    Demo() {
        NatsSecurity security = NatsSecurity.temporary();
        this.ownedServer = NatsServerProcess.start(1, false, 0, security).getFirst();
        this.url = ownedServer.url();
        this.creds = security.seed(NatsSecurity.ADMIN);
        this.ca = security.ca();
        start();
    }

    /** On the server at {@code natsUrl}, as the user of seed file {@code creds} trusting {@code ca} (both null: open). */
    Demo(String natsUrl, Path creds, Path ca) {
        this.ownedServer = null;
        this.url = natsUrl;
        this.creds = creds;
        this.ca = ca;
        start();
    }

    private void start() {
        for (int i = 1; i <= INSTANCES; i++) {
            UsersService.start(connect("users-" + i), "users#" + i);
            heardByGeo.add(GeoBroadcast.listen(connect("geo-" + i)));
        }
        Natrix caller = connect("demo-callers");
        // callers on natrix's virtual threads: a reply goes on on the reader that read it, no hand-off to a carrier
        Thread.Builder callers = Natrix.virtualThreads().name("demo-caller-", 1);
        for (int i = 0; i < CALLERS; i++) {
            load.add(callers.start(() -> callUsers(caller)));
        }
        Natrix drivers = connect("demo-drivers");
        load.add(Thread.ofVirtual().start(() -> driveAround(drivers)));
    }

    private Natrix connect(String name) {
        Natrix.Builder builder = Natrix.builder().servers(url).connectionName(name).shutdownHook(false);
        Natrix natrix = (creds == null ? builder : builder.credentials(creds).trust(ca)).connect();
        connections.add(natrix);
        return natrix;
    }

    private void callUsers(Natrix natrix) {
        String[] ids = {"1", "2", "3"};
        for (long n = 0; running.get(); n++) {
            try {
                User user = natrix.call("ms.users.GetUser", new GetUser(ids[(int) (n % 3)]), User.class, Duration.ofSeconds(1));
                servedBy.computeIfAbsent(user.servedBy(), s -> new LongAdder()).increment();
                calls.increment();
                Thread.sleep(2);
            } catch (NatrixException e) {
                callErrors.increment();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void driveAround(Natrix natrix) {
        for (int second = 0; running.get(); second++) {
            for (int d = 0; d < DRIVERS; d++) {
                natrix.publish("ms.geo.UpdatePoint", new Point("driver-" + d, 32.08 + d * 1e-4, 34.78 + second * 1e-5));
                published.incrementAndGet();
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    String url() {
        return url;
    }

    long calls() {
        return calls.sum();
    }

    long callErrors() {
        return callErrors.sum();
    }

    long published() {
        return published.get();
    }

    Map<String, Long> servedBy() {
        Map<String, Long> snapshot = new TreeMap<>();
        servedBy.forEach((instance, count) -> snapshot.put(instance, count.sum()));
        return snapshot;
    }

    List<Integer> heardByGeo() {
        return heardByGeo.stream().map(List::size).toList();
    }

    String status(Duration elapsed) {
        StringBuilder line = new StringBuilder(String.format("%4ds  GetUser %,d calls, %d errors, served by", elapsed.toSeconds(), calls(), callErrors()));
        servedBy().forEach((instance, count) -> line.append(String.format("  %s %,d", instance, count)));
        line.append(String.format("  |  UpdatePoint %,d sent, heard by", published()));
        List<Integer> heard = heardByGeo();
        for (int i = 0; i < heard.size(); i++) {
            line.append(String.format("  geo#%d %,d", i + 1, heard.get(i)));
        }
        return line.toString();
    }

    /** Stops the load, drains every service and stops the server this demo started. */
    @Override
    public void close() {
        running.set(false);
        load.forEach(Thread::interrupt);
        try (var closing = Executors.newVirtualThreadPerTaskExecutor()) {
            connections.forEach(natrix -> closing.submit(natrix::close)); // each drains its own services
        }
        if (ownedServer != null) {
            ownedServer.stop();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (List.of(args).contains("--help")) {
            System.out.println(DemoOptions.USAGE);
            return;
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        PrintStream out = System.out;
        Demo demo = options.natsUrl() == null ? new Demo() : new Demo(options.natsUrl(), options.creds(), options.ca());
        Thread stop = Thread.ofPlatform().unstarted(() -> {
            out.println(System.lineSeparator() + "stopping: draining " + 2 * INSTANCES + " services"
                    + (options.natsUrl() == null ? " and stopping nats-server" : ""));
            demo.close();
            out.println("stopped; nothing left running");
        });
        Runtime.getRuntime().addShutdownHook(stop);
        out.println("Natrix demo on " + demo.url() + (options.natsUrl() == null
                ? " (a nats-server this demo started: TLS, one nkey user, keys made for this run)" : ""));
        out.println(INSTANCES + " users instances answer ms.users.GetUser in one queue group; " + INSTANCES
                + " geo instances each hear every ms.geo.UpdatePoint from " + DRIVERS + " drivers a second.");
        out.println(options.smoke() ? "Smoke run: " + options.duration().toSeconds() + " s." : "Ctrl-C stops everything.");
        long started = System.nanoTime();
        boolean tty = System.console() != null && !options.smoke();
        while (Duration.ofNanos(System.nanoTime() - started).compareTo(options.duration()) < 0) {
            Thread.sleep(1000);
            String status = demo.status(Duration.ofNanos(System.nanoTime() - started));
            out.print(tty ? "\r\033[2K" + status : status + System.lineSeparator());
            out.flush();
        }
        out.println();
        Map<String, Long> servedBy = demo.servedBy();
        List<Integer> heard = demo.heardByGeo();
        long published = demo.published();
        long errors = demo.callErrors();
        Runtime.getRuntime().removeShutdownHook(stop);
        demo.close();
        boolean balanced = servedBy.size() == INSTANCES && servedBy.values().stream().allMatch(n -> n > 0);
        boolean broadcast = heard.stream().allMatch(n -> n == published);
        out.printf("summary: %,d GetUser calls, %d errors, served by %s; %,d UpdatePoint events, heard by geo instances %s%n",
                servedBy.values().stream().mapToLong(Long::longValue).sum(), errors, servedBy, published, heard);
        if (options.smoke() && !(balanced && broadcast && errors == 0)) {
            out.println("demo smoke FAILED: balanced=" + balanced + " broadcast=" + broadcast + " errors=" + errors);
            System.exit(1);
        }
        if (options.smoke()) {
            out.println("demo smoke passed: every users instance served calls, every geo instance heard every event");
        }
    }
}
