package io.natrix.spring;

import io.natrix.Natrix;

/**
 * Changes the connection's settings after the {@code natrix.*} properties have been applied and before it
 * connects: beans of this type are applied in their {@link org.springframework.core.Ordered order}. For what
 * the properties do not cover, e.g. {@code builder.natsOptions(options -> options.maxReconnects(10))}.
 */
@FunctionalInterface
public interface NatrixBuilderCustomizer {

    void customize(Natrix.Builder builder);
}
