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

    /** Breakers with {@code config}, or none at all when it is empty. */
    static CircuitBreakers of(java.util.Optional<CircuitBreakerConfig> config) {
        return config.map(c -> new CircuitBreakers(CircuitBreakerRegistry.of(c),
                        Duration.ofMillis(c.getWaitIntervalFunctionInOpenState().apply(1))))
                .orElseGet(() -> new CircuitBreakers(null, Duration.ZERO));
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

    /** The state of the subject's circuit; CLOSED when no call made one yet. */
    CircuitState state(String subject) {
        if (registry == null) {
            return CircuitState.OFF;
        }
        return registry.find(subject).map(breaker -> switch (breaker.getState()) {
            case OPEN, FORCED_OPEN -> CircuitState.OPEN;
            case HALF_OPEN -> CircuitState.HALF_OPEN;
            case CLOSED, DISABLED, METRICS_ONLY -> CircuitState.CLOSED; // natrix sets neither of the last two
        }).orElse(CircuitState.CLOSED);
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
