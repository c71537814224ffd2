package io.natrix;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Resilience4j circuit breaker per subject called: after most of the recent calls on a subject failed in a
 * way that says "the dependency is down", calls on it fail at once with {@link CircuitOpenException} for a
 * while, then a few probe calls decide whether it closes again.
 *
 * <p>Down means nobody answers: no responders, or a timeout while the subject has answered no call at all for
 * {@link #ALIVE_WITHIN}, once it has been called for {@link #FIRST_ANSWER_GRACE}: a system that has just started
 * answers its first calls late while its JVMs load classes and compile, and is no more down than a busy one. Any
 * answer is the dependency working, whatever it says: a 4xx is the caller's error, a 500 one request's bad luck,
 * an overload a request to back off, and a 503/504 says the dependency is up but its own dependency is not (that
 * dependency's breaker, in the service that calls it, fails fast already). A timeout from a subject that
 * answered other calls meanwhile is a slow dependency on a busy machine, not a dead one: it does not count
 * either way. A lost connection of our own says nothing about the dependency. So one client's bad requests, or a
 * machine busy warming up, cannot open a circuit for everyone.
 */
final class CircuitBreakers {

    /** A subject that answered a call this recently is alive: its timeouts do not count toward opening. */
    static final Duration ALIVE_WITHIN = Duration.ofSeconds(2);
    /**
     * How long after its first call a subject's timeouts count for neither side: a service that has just started
     * may answer its first calls seconds late (the fleet bench's cold start waited up to 2.4 s for one).
     */
    static final Duration FIRST_ANSWER_GRACE = Duration.ofSeconds(10);

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
    private final long graceNanos;
    /** Each subject's breaker and when it last answered a call: one lookup per call finds both. */
    private final Map<String, Circuit> circuits = new ConcurrentHashMap<>();

    /**
     * A subject's breaker, when it was first called and when it last answered a call (System.nanoTime), whatever
     * it said, and whether the last call counted as down timed out (rather than finding no responder).
     */
    private record Circuit(CircuitBreaker breaker, long firstCalled, AtomicLong lastAnswer,
                           AtomicBoolean lastDownUnanswered) {

        /** Answered lately, or called first too lately to have answered yet: its timeouts say nothing. */
        boolean aliveOrStarting(long graceNanos) {
            long now = System.nanoTime();
            return now - lastAnswer.get() < ALIVE_WITHIN.toNanos() || now - firstCalled < graceNanos;
        }
    }

    private CircuitBreakers(CircuitBreakerRegistry registry, Duration openFor, Duration grace) {
        this.registry = registry;
        this.openFor = openFor;
        this.graceNanos = grace.toNanos();
    }

    /**
     * Breakers with {@code config}, or none at all when it is empty; a subject's timeouts count for neither side
     * until {@code grace} after its first call ({@link #FIRST_ANSWER_GRACE} unless a test asks for less).
     */
    static CircuitBreakers of(java.util.Optional<CircuitBreakerConfig> config, Duration grace) {
        return config.map(c -> new CircuitBreakers(CircuitBreakerRegistry.of(c),
                        Duration.ofMillis(c.getWaitIntervalFunctionInOpenState().apply(1)), grace))
                .orElseGet(() -> new CircuitBreakers(null, Duration.ZERO, grace));
    }

    /** A permit for one call on {@code subject}, or {@link CircuitOpenException} when its circuit is open. */
    Permit acquire(String subject) {
        if (registry == null) {
            return NONE;
        }
        Circuit circuit = circuits.computeIfAbsent(subject, k -> {
            long now = System.nanoTime();
            return new Circuit(registry.circuitBreaker(k), now, new AtomicLong(now - ALIVE_WITHIN.toNanos()),
                    new AtomicBoolean());
        });
        CircuitBreaker breaker = circuit.breaker();
        if (!breaker.tryAcquirePermission()) {
            throw new CircuitOpenException(subject, breaker.getState() == CircuitBreaker.State.HALF_OPEN,
                    breaker.getMetrics().getFailureRate(), openFor, circuit.lastDownUnanswered().get());
        }
        return new Permit() {
            @Override
            public void succeeded(long nanos) {
                circuit.lastAnswer().set(System.nanoTime());
                breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void failed(long nanos, NatrixException failure) {
                switch (verdict(failure, circuit.aliveOrStarting(graceNanos))) {
                    case DOWN -> {
                        circuit.lastDownUnanswered().set(failure instanceof CallTimeoutException);
                        breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
                    }
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
    private static Verdict verdict(NatrixException failure, boolean aliveOrStarting) {
        return switch (failure) {
            case NoRespondersException ignored -> Verdict.DOWN;
            case CallTimeoutException ignored -> aliveOrStarting ? Verdict.UNKNOWN : Verdict.DOWN;
            case ServiceException ignored -> Verdict.UP;
            case OverloadedException ignored -> Verdict.UP;
            case ConnectionException ignored -> Verdict.UNKNOWN;
            case CallInterruptedException ignored -> Verdict.UNKNOWN;
            case CircuitOpenException ignored -> Verdict.UNKNOWN;
        };
    }
}
