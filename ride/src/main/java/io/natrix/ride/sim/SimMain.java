package io.natrix.ride.sim;

import io.natrix.Natrix;
import io.natrix.ride.RideStack;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.ride.RideSecurity;
import io.natrix.ride.api.RideApi;
import io.natrix.testkit.Folders;
import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./natrix sim [--gateway URL[,URL]] [--ingest WS_URL[,WS_URL]] [--drivers 200] [--riders 50] [--duration 60s] [--request-every 30]
 * [--speed 12] [--port 8080]}. Without {@code --gateway} it runs the whole ride system in this process on a
 * nats-server it starts, with the gateway on {@code --port}, secured as the demo is: TLS and nkeys on NATS (this one
 * process connects as the admin), bearer tokens on HTTP, keyed from the demo's folder ({@code -Dnatrix.home},
 * {@code .natrix/}) or, without one, from keys made for the run. {@code --ingest} gives each gateway's ingest address,
 * where its drivers open their location WebSockets.
 */
public final class SimMain {

    static final String USAGE = "usage: natrix sim [--gateway http://host:8080[,http://host:8081]] [--ingest ws://host:8082[,ws://host:8083]]"
            + " [--drivers 200] [--riders 50]"
            + " [--duration 60s] [--request-every 30] [--speed 12] [--port 8080]";

    private SimMain() {
    }

    private static Natrix admin(NatsServerProcess nats, RideSecurity security, String name) {
        return Natrix.builder().servers(nats.url()).connectionName(name).shutdownHook(false)
                .credentials(security.nats().seed(NatsSecurity.ADMIN)).trust(security.nats().ca()).connect();
    }

    public static void main(String[] args) throws Exception {
        List<String> gateways = List.of();
        List<String> ingest = List.of();
        int drivers = 200;
        int riders = 50;
        Duration duration = Duration.ofSeconds(60);
        double requestEvery = 30;
        double speed = 12;
        int port = 8080;
        try {
            for (int i = 0; i < args.length; i += 2) {
                if (args[i].equals("--help")) {
                    System.out.println(USAGE);
                    return;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--gateway" -> gateways = Arrays.asList(value.split(","));
                    case "--ingest" -> ingest = Arrays.asList(value.split(","));
                    case "--drivers" -> drivers = Integer.parseInt(value);
                    case "--riders" -> riders = Integer.parseInt(value);
                    case "--duration" -> duration = Duration.ofSeconds(Long.parseLong(value.replace("s", "")));
                    case "--request-every" -> requestEvery = Double.parseDouble(value);
                    case "--speed" -> speed = Double.parseDouble(value);
                    case "--port" -> port = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            System.exit(2);
        }
        NatsServerProcess nats = null;
        Natrix services = null;
        Natrix edge = null;
        RideStack stack = null;
        if (gateways.isEmpty()) {
            String home = System.getProperty("natrix.home");
            Path keys = home != null ? Path.of(home) : Folders.temporary("natrix-sim-keys-", "natrix sim");
            RideSecurity security = RideSecurity.reuse(keys);
            nats = NatsServerProcess.start(1, true, 0, security.nats()).getFirst();
            services = admin(nats, security, "sim-services");
            edge = admin(nats, security, "sim-gateway");
            stack = RideStack.services(services, DispatchConfig.defaults(), security.tokens()).withGateway(edge, port);
            gateways = List.of("http://127.0.0.1:" + stack.port());
            System.out.println("ride system on " + nats.url() + " (TLS, nkeys; keys in " + keys + "), gateway on "
                    + gateways.getFirst() + " (bearer tokens)");
            System.out.println(RideApi.tryIt(gateways.getFirst()));
        }
        if (!ingest.isEmpty() && ingest.size() != gateways.size()) {
            System.err.println("give one --ingest address per --gateway\n" + USAGE);
            System.exit(2);
        }
        Simulator simulator = new Simulator(new Simulator.Options(gateways, ingest, drivers, riders, requestEvery, speed, duration));
        NatsServerProcess ownedNats = nats;
        Natrix ownedServices = services;
        Natrix ownedEdge = edge;
        RideStack ownedStack = stack;
        Thread stop = Thread.ofPlatform().unstarted(() -> {
            simulator.stopBeforeTheSystem(System.out); // Ctrl-C: the run's summary so far
            if (ownedStack != null) {
                ownedStack.close();
                ownedEdge.close();
                ownedServices.close();
                ownedNats.stop();
            }
        });
        Runtime.getRuntime().addShutdownHook(stop);
        System.out.printf("simulating %,d drivers and %,d riders for %d s; Ctrl-C stops%n", drivers, riders, duration.toSeconds());
        simulator.start();
        simulator.report(System.out, System.console() != null);
        if (simulator.stopped()) {
            return; // Ctrl-C: the shutdown hook stops the rest
        }
        Runtime.getRuntime().removeShutdownHook(stop);
        stop.run();
    }
}
