package io.natrix.ride.eta;

import io.natrix.EndpointOptions;
import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.ServiceException;
import io.natrix.ride.eta.EtaMessages.EtaRequest;
import io.natrix.ride.eta.EtaMessages.Etas;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Two ETA services answer the same question ({@link EtaApi}): {@code eta-quick} on {@code ms.eta.Quick} and
 * {@code eta-careful} on {@code ms.eta.Careful}. Callers ask both with {@link #estimate} and take the first
 * answer within the deadline (the "fastest result" pattern: one slow estimator costs nobody a wait).
 */
public final class EtaService {

    /** At most this many candidates per request. */
    static final int MAX_CANDIDATES = 100;

    private EtaService() {
    }

    /** The quick estimator. */
    public static Service startQuick(Natrix natrix) {
        EtaApi.Quick quick = request -> estimated(EtaModel.QUICK, Duration.ZERO, request);
        // arithmetic over at most 100 candidates: served where it is read (EndpointOptions.nonBlocking)
        return describe(natrix, "eta-quick", EtaModel.QUICK)
                .implement(EtaApi.Quick.class, quick, Map.of("Quick", EndpointOptions.defaults().nonBlocking())).start();
    }

    /** The careful estimator; {@code extraLatency} simulates a heavier routing engine behind it. */
    public static Service startCareful(Natrix natrix, Duration extraLatency) {
        EtaApi.Careful careful = request -> estimated(EtaModel.CAREFUL, extraLatency, request);
        return describe(natrix, "eta-careful", EtaModel.CAREFUL).implement(EtaApi.Careful.class, careful).start();
    }

    private static Service.Builder describe(Natrix natrix, String service, EtaModel model) {
        return natrix.service(service).version("1.0.0").description("Pick-up times: " + model.name().toLowerCase() + " model");
    }

    private static Etas estimated(EtaModel model, Duration extraLatency, EtaRequest request) throws InterruptedException {
        if (request.candidates() == null || request.candidates().size() > MAX_CANDIDATES) {
            throw new ServiceException(400, "candidates must be a list of at most " + MAX_CANDIDATES);
        }
        if (!extraLatency.isZero()) {
            Thread.sleep(extraLatency); // a virtual thread: waiting costs nothing
        }
        return new Etas(model.name().toLowerCase(), model.estimate(request));
    }

    /** Asks both estimators and returns the first answer that arrives within {@code deadline}. */
    public static Etas estimate(Natrix natrix, EtaRequest request, Duration deadline) {
        return natrix.fastest(List.of(EtaApi.CAREFUL, EtaApi.QUICK), request, Etas.class, deadline);
    }
}
