/**
 * The service-provider interface: what metrics and tracing plug into. A {@link io.natrix.spi.HopObserver},
 * registered with {@link io.natrix.Natrix#observe}, sees every {@link io.natrix.spi.Hop} a connection serves or
 * makes (a request served, an event handled, a call, a publish, an HTTP request at the gateway) begin and end.
 * {@code natrix-metrics} and {@code natrix-tracing} are two implementations; an application rarely needs this
 * package, a library that watches Natrix does.
 */
package io.natrix.spi;
