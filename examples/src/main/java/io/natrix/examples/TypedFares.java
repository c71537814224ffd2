package io.natrix.examples;

import io.natrix.Contract;
import io.natrix.Natrix;
import io.natrix.ServiceException;

/**
 * A typed contract: one interface is the service's whole wire API. The service implements it, a caller gets a
 * client from it, and whoever needs a subject (an HTTP route, a NATS permission) reads it from the contract
 * instead of spelling it again.
 */
public final class TypedFares {

    public record Quote(double km) { }

    public record Fare(double km, long cents) { }

    /** The fares service: {@code ms.fares.Quote}, and a receipt served on a subject of its own. */
    @Contract(service = "fares")
    public interface FaresApi {
        /** Its endpoints' subjects, read from the interface itself. */
        Contract.Subjects SUBJECTS = Contract.Subjects.of(FaresApi.class);

        Fare quote(Quote request);

        @Contract.Endpoint(subject = "billing.receipts.Issue")
        String receipt(Fare fare);
    }

    /** Starts the service: 2.50 to start, 1.20 a kilometre. */
    public static void start(Natrix natrix) {
        natrix.service("fares").version("1.0.0").implement(FaresApi.class, new FaresApi() {
            @Override
            public Fare quote(Quote request) {
                if (request.km() <= 0) {
                    throw new ServiceException(400, "km must be more than 0");
                }
                return new Fare(request.km(), 250 + Math.round(request.km() * 120));
            }

            @Override
            public String receipt(Fare fare) {
                return String.format(java.util.Locale.ROOT, "%.1f km: %d.%02d", fare.km(), fare.cents() / 100, fare.cents() % 100);
            }
        }).start();
    }

    /** Calls it through a typed client, and prints the subjects a gateway route or a permission would name. */
    public static String quoteAndReceipt(Natrix natrix, double km) {
        FaresApi fares = natrix.proxy(FaresApi.class);
        return fares.receipt(fares.quote(new Quote(km))) + " (asked on " + FaresApi.SUBJECTS.all() + ")";
    }

    public static void main(String[] args) {
        try (Natrix natrix = Connect.from(args)) {
            start(natrix);
            System.out.println(quoteAndReceipt(natrix, 7.5));
        }
    }
}
