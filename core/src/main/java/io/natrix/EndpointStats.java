package io.natrix;

import java.time.Duration;
import java.util.Optional;

/**
 * The counters of one endpoint of one instance, as published on {@code $SRV.STATS}.
 *
 * @param name           endpoint name, e.g. {@code GetUser}
 * @param subject        the subject it serves
 * @param queueGroup     its queue group, empty when every instance answers
 * @param requests       requests received, including refused ones
 * @param errors         requests answered with an error, including refusals for overload
 * @param processingTime total time spent in the handler and codec
 * @param lastError      the last error, as {@code "code:message"}
 * @param inFlight       requests running now
 * @param overloaded     requests refused because the in-flight bound was reached
 * @param p50            the median handling time over the last complete window of at least 5 s (zero if none)
 * @param p99            the 99th percentile over the same window
 */
public record EndpointStats(String name, String subject, Optional<String> queueGroup, long requests, long errors,
                            Duration processingTime, Optional<String> lastError, long inFlight, long overloaded,
                            Duration p50, Duration p99) {

    /** Mean handling time per request, zero before the first one. */
    public Duration averageProcessingTime() {
        return requests == 0 ? Duration.ZERO : processingTime.dividedBy(requests);
    }
}
