package io.natrix.examples.boot;

import io.natrix.spring.NatrixEndpoint;
import io.natrix.spring.NatrixListener;
import io.natrix.spring.NatrixService;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The fares service: its contract's endpoint ({@code ms.fares.Quote}), one endpoint of its own
 * ({@code ms.fares.CurrentTariff}) and a broadcast listener that every instance runs, so a new tariff reaches
 * them all. Plain blocking methods: each request runs on a virtual thread of its own.
 */
@NatrixService(version = "1.0.0", description = "prices rides")
class Fares implements FaresApi {

    private final AtomicReference<Tariff> tariff = new AtomicReference<>(new Tariff(1, 250, 120, 30, "EUR"));

    @Override
    public Quote quote(QuoteRequest request) {
        Tariff now = tariff.get();
        long cents = now.baseCents() + Math.round(request.km() * now.centsPerKm() + request.minutes() * now.centsPerMinute());
        return new Quote(cents, now.currency(), now.version());
    }

    @NatrixEndpoint
    Tariff currentTariff(CurrentTariff request) {
        return tariff.get();
    }

    @NatrixListener(subject = TARIFF_CHANGED)
    void tariffChanged(Tariff changed) {
        tariff.accumulateAndGet(changed, (old, offered) -> offered.version() > old.version() ? offered : old);
    }
}
