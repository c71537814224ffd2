/**
 * Natrix in Spring Boot: add {@code io.natrix:natrix-spring-boot-starter} and a {@code Natrix} bean is configured
 * from {@code natrix.*} ({@link io.natrix.spring.NatrixProperties}); beans annotated {@link
 * io.natrix.spring.NatrixService} (with {@link io.natrix.spring.NatrixEndpoint}, {@link
 * io.natrix.spring.NatrixListener} and {@link io.natrix.spring.NatrixDurableListener} methods) or implementing a
 * {@link io.natrix.Contract} are served while the application runs and drained when it stops. Natrix's meters go
 * to Boot's Micrometer registry and a {@code natrix} health component reports the connection and each service.
 */
package io.natrix.spring;
