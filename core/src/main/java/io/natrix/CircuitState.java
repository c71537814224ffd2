package io.natrix;

/**
 * Where the circuit breaker of calls on one subject stands ({@link Natrix#circuitState}).
 */
public enum CircuitState {
    /** Calls go through; their outcomes are counted. */
    CLOSED,
    /** Most recent calls found nobody answering: calls fail at once with {@link CircuitOpenException} for a while. */
    OPEN,
    /** After a while open: a few probe calls go through and decide whether it closes again. */
    HALF_OPEN,
    /** This connection breaks no circuits ({@link Natrix.Builder#noCircuitBreaker()}). */
    OFF
}
