/**
 * Real {@code nats-server} processes for tests: {@link io.natrix.testkit.NatsServerExtension} for JUnit 5,
 * {@link io.natrix.testkit.NatsServerProcess} for programs that own their server.
 *
 * <p>Whoever starts a server stops it; the extension does so after the test class.
 */
package io.natrix.testkit;
