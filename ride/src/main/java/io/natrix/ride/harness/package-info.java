/**
 * Harnesses: what runs the ride system for a person or a test, not the system itself. {@link
 * io.natrix.ride.harness.RideDemo} ({@code ./natrix demo}) starts a NATS server, every service as processes of
 * their own ({@link io.natrix.ride.harness.RideProcesses}), a gateway and the simulator, and checks what it shows;
 * {@link io.natrix.ride.harness.Chaos} ({@code ./natrix chaos}) kills instances and NATS servers under load and
 * counts what was lost. The system's own wiring (roles, storage, permissions, a service's {@code main}) is in
 * {@code io.natrix.ride}; each service in its own package, with its contract.
 */
package io.natrix.ride.harness;
