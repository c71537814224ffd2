package io.natrix.ride.eta;

import io.natrix.EndpointOptions;
import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.ServiceException;
import io.natrix.ride.eta.EtaMessages.EtaRequest;
import io.natrix.ride.eta.EtaMessages.Etas;

import java.time.Duration;
import java.util.List;

/**
 * Two ETA services answer the same question: {@code eta-quick} on {@code ms.eta.Quick} and {@code eta-careful}
 * on {@code ms.eta.Careful}. Callers ask both with {@link #estimate} and take the first answer within the
 * deadline: the talk's GetFastestResult, for real.
 */
public final class EtaService {

    public static final String QUICK = "ms.eta.Quick";
    public static final String CAREFUL = "ms.eta.Careful";
    /** At most this many candidates per request. */
    static final int MAX_CANDIDATES = 100;

    private EtaService() {
    }

    /** The quick estimator. */
    public static Service startQuick(Natrix natrix) {
        return start(natrix, "eta-quick", "Quick", QUICK, EtaModel.QUICK, Duration.ZERO);
    }

    /** The careful estimator; {@code extraLatency} simulates a heavier routing engine behind it. */
    public static Service startCareful(Natrix natrix, Duration extraLatency) {
        return start(natrix, "eta-careful", "Careful", CAREFUL, EtaModel.CAREFUL, extraLatency);
    }

    private static Service start(Natrix natrix, String service, String endpoint, String subject, EtaModel model,
                                 Duration extraLatency) {
        return natrix.service(service).version("1.0.0").description("Pick-up times: " + model.name().toLowerCase() + " model")
                .endpoint(endpoint, EtaRequest.class, request -> {
                    if (request.candidates() == null || request.candidates().size() > MAX_CANDIDATES) {
                        throw new ServiceException(400, "candidates must be a list of at most " + MAX_CANDIDATES);
                    }
                    if (!extraLatency.isZero()) {
                        Thread.sleep(extraLatency); // a virtual thread: waiting costs nothing
                    }
                    return new Etas(model.name().toLowerCase(), model.estimate(request));
                }, EndpointOptions.defaults().subject(subject))
                .start();
    }

    /** Asks both estimators and returns the first answer that arrives within {@code deadline}. */
    public static Etas estimate(Natrix natrix, EtaRequest request, Duration deadline) {
        return natrix.fastest(List.of(CAREFUL, QUICK), request, Etas.class, deadline);
    }
}
