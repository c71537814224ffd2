package io.natrix.ride.sim;

import io.natrix.Natrix;
import io.natrix.ride.RideStack;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.testkit.NatsServerProcess;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./natrix sim [--gateway URL[,URL]] [--ingest WS_URL[,WS_URL]] [--drivers 200] [--riders 50] [--duration 60s] [--request-every 30]
 * [--speed 12] [--port 8080]}. Without {@code --gateway} it runs the whole ride system in this process on a
 * nats-server it starts, with the gateway on {@code --port}. {@code --ingest} gives each gateway's ingest address,
 * where its drivers open their location WebSockets.
 */
public final class SimMain {

    static final String USAGE = "usage: natrix sim [--gateway http://host:8080[,http://host:8081]] [--ingest ws://host:8082[,ws://host:8083]]"
            + " [--drivers 200] [--riders 50]"
            + " [--duration 60s] [--request-every 30] [--speed 12] [--port 8080]";

    private SimMain() {
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
            nats = NatsServerProcess.start(1, true).getFirst();
            services = Natrix.builder().servers(nats.url()).connectionName("sim-services").shutdownHook(false).connect();
            edge = Natrix.builder().servers(nats.url()).connectionName("sim-gateway").shutdownHook(false).connect();
            stack = RideStack.services(services, DispatchConfig.defaults()).withGateway(edge, port);
            gateways = List.of("http://127.0.0.1:" + stack.port());
            System.out.println("ride system on " + nats.url() + ", gateway on " + gateways.getFirst()
                    + " (try: curl -N -H 'Accept: text/event-stream' '" + gateways.getFirst()
                    + "/v1/riders/me/nearby?lat=32.08&lng=34.78')");
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
            simulator.close();
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
        Runtime.getRuntime().removeShutdownHook(stop);
        stop.run();
    }
}
