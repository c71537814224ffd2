package io.natrix.ride.eta;

import io.natrix.Contract;
import io.natrix.ride.eta.EtaMessages.EtaRequest;
import io.natrix.ride.eta.EtaMessages.Etas;

/**
 * The contracts of the two ETA services, which answer the same question with different models: callers ask
 * both and take the first answer ({@link EtaService#estimate}). Each service has its own name (so its own
 * queue group and its own place in discovery) and serves a subject under {@code ms.eta}.
 */
public final class EtaApi {

    /** The quick estimator's subject. */
    public static final String QUICK = Contract.Subjects.of(Quick.class).of("Quick");
    /** The careful estimator's subject. */
    public static final String CAREFUL = Contract.Subjects.of(Careful.class).of("Careful");

    private EtaApi() {
    }

    /** The quick model: straight-line distance times a road factor, at the speed of the hour. */
    @Contract(service = "eta-quick")
    public interface Quick {
        /** Pick-up times of up to 100 candidates; 400 for more or none. */
        @Contract.Endpoint(value = "Quick", subject = "ms.eta.Quick")
        Etas estimate(EtaRequest request) throws Exception;
    }

    /** The careful model: distance along the street grid with a penalty per turn, behind a slower engine. */
    @Contract(service = "eta-careful")
    public interface Careful {
        /** Pick-up times of up to 100 candidates; 400 for more or none. */
        @Contract.Endpoint(value = "Careful", subject = "ms.eta.Careful")
        Etas estimate(EtaRequest request) throws Exception;
    }
}
