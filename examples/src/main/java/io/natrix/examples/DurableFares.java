package io.natrix.examples;

import io.natrix.CallOptions;
import io.natrix.Durable;
import io.natrix.Natrix;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Facts that must not be lost: a completed ride's fare is stored in JetStream before the publisher hears back,
 * and billing handles each fare once, even when the publisher sends it twice. Then a call that rides out a
 * service that is not up yet, with retries inside one deadline.
 */
public final class DurableFares {

    public record Fare(String rideId, int cents) { }

    public record Quote(String rideId) { }

    /** Starts billing as a durable listener; returns what it has charged so far. */
    public static List<Fare> startBilling(Natrix natrix) {
        List<Fare> charged = new CopyOnWriteArrayList<>();
        natrix.service("billing").version("1.0.0")
                .durableListener(Durable.stream("FARES", "ms.fares.completed"), Fare.class, charged::add)
                .start();
        return charged;
    }

    /** Publishes a fare; the id makes a retried publish harmless. Returns false for a duplicate. */
    public static boolean completeRide(Natrix natrix, Fare fare) {
        return natrix.publishDurable("ms.fares.completed", fare, "fare-" + fare.rideId());
    }

    /** Asks for a quote, retrying while no instance is up yet, all within 3 seconds. */
    public static Quote quote(Natrix natrix, String rideId) {
        CallOptions patient = CallOptions.timeout(Duration.ofSeconds(3)).idempotent().retries(8)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500));
        return natrix.call("ms.pricing.Quote", new Quote(rideId), Quote.class, patient);
    }

    public static void main(String[] args) throws Exception {
        try (Natrix natrix = Connect.from(args)) {
            List<Fare> charged = startBilling(natrix);
            System.out.println("stored: " + completeRide(natrix, new Fare("r-1", 2_350)));
            System.out.println("stored again: " + completeRide(natrix, new Fare("r-1", 2_350)));
            while (charged.isEmpty()) {
                Thread.sleep(10);
            }
            System.out.println("charged: " + charged);

            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(300); // pricing comes up late
                    natrix.service("pricing").version("1.0.0").endpoint("Quote", Quote.class, quote -> quote).start();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            System.out.println("quoted after retries: " + quote(natrix, "r-2"));
        }
    }
}
