package io.natrix.examples.boot;

import io.natrix.Contract;

/** What the fares service answers, for callers ({@code natrix.proxy(FaresApi.class)}) and for the service. */
@Contract(service = "fares")
public interface FaresApi {

    /** The subject a new tariff is broadcast on: every instance of the service hears it. */
    String TARIFF_CHANGED = "ms.fares.TariffChanged";

    /** The price of a ride: {@code ms.fares.Quote}. */
    Quote quote(QuoteRequest request);

    /** A ride's length and duration; checked as it is read, so a bad one is the caller's 400. */
    record QuoteRequest(double km, double minutes) {
        public QuoteRequest {
            if (!(km >= 0 && km <= 1_000) || !(minutes >= 0 && minutes <= 24 * 60)) {
                throw new IllegalArgumentException("km must be 0 to 1000 and minutes 0 to 1440, got " + km + " and " + minutes);
            }
        }
    }

    record Quote(long cents, String currency, int tariffVersion) {
    }

    /** Prices in cents; a higher version replaces a lower one. */
    record Tariff(int version, long baseCents, long centsPerKm, long centsPerMinute, String currency) {
    }

    /** Asks for the tariff an instance prices with: {@code ms.fares.CurrentTariff}. */
    record CurrentTariff() {
    }
}
