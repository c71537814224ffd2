package io.natrix;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Resilience4j circuit breaker per subject called: after most of the recent calls on a subject failed in a
 * way that says "the dependency is down", calls on it fail at once with {@link CircuitOpenException} for a
 * while, then a few probe calls decide whether it closes again.
 *
 * <p>Down means nobody answers: no responders, or a timeout while the subject has answered no call at all for
 * {@link #ALIVE_WITHIN}. Any answer is the dependency working, whatever it says: a 4xx is the caller's error,
 * a 500 one request's bad luck, an overload a request to back off, and a 503/504 says the dependency is up but
 * its own dependency is not (that dependency's breaker, in the service that calls it, fails fast already). A
 * timeout from a subject that answered other calls meanwhile is a slow dependency on a busy machine, not a
 * dead one: it does not count either way. A lost connection of our own says nothing about the dependency.
 * So one client's bad requests, or a machine busy warming up, cannot open a circuit for everyone.
 */
final class CircuitBreakers {

    /** A subject that answered a call this recently is alive: its timeouts do not count toward opening. */
    static final Duration ALIVE_WITHIN = Duration.ofSeconds(2);

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
    /** Each subject's breaker and when it last answered a call: one lookup per call finds both. */
    private final Map<String, Circuit> circuits = new ConcurrentHashMap<>();

    /** A subject's breaker, and when the subject last answered a call (System.nanoTime), whatever it said. */
    private record Circuit(CircuitBreaker breaker, AtomicLong lastAnswer) {

        boolean answeredRecently() {
            return System.nanoTime() - lastAnswer.get() < ALIVE_WITHIN.toNanos();
        }
    }

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
        Circuit circuit = circuits.computeIfAbsent(subject, k -> new Circuit(registry.circuitBreaker(k),
                new AtomicLong(System.nanoTime() - ALIVE_WITHIN.toNanos())));
        CircuitBreaker breaker = circuit.breaker();
        if (!breaker.tryAcquirePermission()) {
            throw new CircuitOpenException(subject, breaker.getState() == CircuitBreaker.State.HALF_OPEN,
                    breaker.getMetrics().getFailureRate(), openFor);
        }
        return new Permit() {
            @Override
            public void succeeded(long nanos) {
                circuit.lastAnswer().set(System.nanoTime());
                breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void failed(long nanos, NatrixException failure) {
                switch (verdict(failure, circuit.answeredRecently())) {
                    case DOWN -> breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
                    case UP -> succeeded(nanos);
                    case UNKNOWN -> breaker.releasePermission();
                }
            }
        };
    }

    private enum Verdict { UP, DOWN, UNKNOWN }

    /** The state of the subject's circuit, for tests and diagnostics; CLOSED when none was made. */
    String state(String subject) {
        return registry == null ? "DISABLED" : registry.find(subject).map(b -> b.getState().name()).orElse("CLOSED");
    }

    /** What a failed call says of the subject: up (it answered), down (nobody answers), or nothing. */
    private static Verdict verdict(NatrixException failure, boolean answeredRecently) {
        return switch (failure) {
            case NoRespondersException ignored -> Verdict.DOWN;
            case CallTimeoutException ignored -> answeredRecently ? Verdict.UNKNOWN : Verdict.DOWN;
            case ServiceException ignored -> Verdict.UP;
            case OverloadedException ignored -> Verdict.UP;
            case ConnectionException ignored -> Verdict.UNKNOWN;
            case CallInterruptedException ignored -> Verdict.UNKNOWN;
            case CircuitOpenException ignored -> Verdict.UNKNOWN;
        };
    }
}
