package io.natrix;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A Resilience4j circuit breaker per subject called: after most of the recent calls on a subject failed in a
 * way that says "the dependency is down" (no responders, timeouts, a lost connection, 503/504 from its own
 * dependencies), calls on it fail at once with {@link CircuitOpenException} for a while, then a few probe calls
 * decide whether it closes again. Overloads and other error answers (a 500 is one request's bad luck) are the
 * dependency working, and do not count.
 */
final class CircuitBreakers {

    /** 50% of the last 50 calls (at least 20) failed: open for 2 s, then let 3 probes through. */
    static CircuitBreakerConfig defaultConfig() {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(50)
                .minimumNumberOfCalls(20)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(2))
                .permittedNumberOfCallsInHalfOpenState(3)
                .build();
    }

    /** What one call holds while it runs: report how it ended. */
    interface Permit {
        void succeeded(long nanos);

        void failed(long nanos, NatrixException failure);
    }

    private static final Permit NONE = new Permit() {
        @Override
        public void succeeded(long nanos) {
        }

        @Override
        public void failed(long nanos, NatrixException failure) {
        }
    };

    private final CircuitBreakerRegistry registry; // null: no breakers
    private final Duration openFor;

    private CircuitBreakers(CircuitBreakerRegistry registry, Duration openFor) {
        this.registry = registry;
        this.openFor = openFor;
    }

    static CircuitBreakers of(CircuitBreakerConfig config) {
        return config == null ? new CircuitBreakers(null, Duration.ZERO)
                : new CircuitBreakers(CircuitBreakerRegistry.of(config),
                Duration.ofMillis(config.getWaitIntervalFunctionInOpenState().apply(1)));
    }

    /** A permit for one call on {@code subject}, or {@link CircuitOpenException} when its circuit is open. */
    Permit acquire(String subject) {
        if (registry == null) {
            return NONE;
        }
        CircuitBreaker breaker = registry.circuitBreaker(subject);
        if (!breaker.tryAcquirePermission()) {
            throw new CircuitOpenException(subject, breaker.getMetrics().getFailureRate(), openFor);
        }
        return new Permit() {
            @Override
            public void succeeded(long nanos) {
                breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void failed(long nanos, NatrixException failure) {
                if (meansDown(failure)) {
                    breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
                } else if (failure instanceof CallInterruptedException) {
                    breaker.releasePermission(); // says nothing about the dependency
                } else {
                    breaker.onSuccess(nanos, TimeUnit.NANOSECONDS); // it answered: it is up
                }
            }
        };
    }

    /** The state of the subject's circuit, for tests and diagnostics; CLOSED when none was made. */
    String state(String subject) {
        return registry == null ? "DISABLED" : registry.find(subject).map(b -> b.getState().name()).orElse("CLOSED");
    }

    private static boolean meansDown(NatrixException failure) {
        return switch (failure) {
            case NoRespondersException ignored -> true;
            case CallTimeoutException ignored -> true;
            case ConnectionException ignored -> true;
            case ServiceException service -> service.code() == Wire.UNAVAILABLE || service.code() == Wire.TIMEOUT;
            default -> false;
        };
    }
}
