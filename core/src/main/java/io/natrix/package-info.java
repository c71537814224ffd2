/**
 * Natrix core: microservices over NATS with plain blocking handlers on virtual threads.
 *
 * <p>Start with {@link io.natrix.Natrix#connect(String)}; describe a service with
 * {@link io.natrix.Natrix#service(String)}; call one with {@link io.natrix.Natrix#call}.
 *
 * <p><b>Threads.</b> Every public method may be called from any thread, and blocks only its caller. Each
 * request to an endpoint runs on a new virtual thread that Natrix starts; each listener runs on a virtual
 * thread of its own, one event at a time. Natrix creates and owns every thread and executor it uses.
 *
 * <p><b>Ownership.</b> Whoever creates a {@link io.natrix.Natrix} closes it (or lets the shutdown hook do it);
 * closing it closes its services. {@link io.natrix.Natrix#nats()} lends the jnats connection: do not close it.
 *
 * <p><b>Failures.</b> Unchecked and sealed: {@link io.natrix.NatrixException}. No method returns {@code null}
 * to signal a failure.
 */
package io.natrix;
