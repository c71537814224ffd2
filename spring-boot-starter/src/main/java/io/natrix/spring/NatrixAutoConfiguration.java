package io.natrix.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.natrix.Natrix;
import io.natrix.metrics.NatrixMetrics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Natrix in a Spring Boot application: a {@link Natrix} connection from the {@code natrix.*} properties
 * ({@link NatrixProperties}; a {@code Natrix} bean of the application's own replaces it), the beans that describe
 * services ({@link NatrixService}, {@link NatrixEndpoint}, {@link NatrixListener}, {@link io.natrix.Contract}
 * implementations) served while the context runs, Natrix's meters in the application's Micrometer registry, and
 * a {@code natrix} health component. Everything here is also possible with the plain API.
 */
@AutoConfiguration
@EnableConfigurationProperties(NatrixProperties.class)
public class NatrixAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Natrix natrix(NatrixProperties properties, ObjectProvider<NatrixBuilderCustomizer> customizers,
                  Environment environment) {
        Natrix.Builder builder = properties.toBuilder(environment.getProperty("spring.application.name"));
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.connect();
    }

    @Bean
    NatrixServices natrixServices(Natrix natrix, ConfigurableListableBeanFactory beans, Environment environment,
                                  ObjectProvider<ServicesHook> hooks) {
        return new NatrixServices(natrix, beans, environment.getProperty("spring.application.name"), hooks);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MeterRegistry.class, NatrixMetrics.class})
    static class Metrics {

        @Bean
        NatrixMeters natrixMeters(ObjectProvider<MeterRegistry> registries) {
            return new NatrixMeters(registries);
        }
    }

    /** Boot 4's actuator: the health types in {@code org.springframework.boot.health}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("natrix")
    static class Health {

        @Bean
        @ConditionalOnMissingBean(name = "natrixHealthIndicator")
        HealthIndicator natrixHealthIndicator(Natrix natrix, NatrixServices services) {
            return new NatrixHealthIndicator(new NatrixHealth(natrix, services));
        }
    }

    /** Boot 3's actuator: the health types in {@code org.springframework.boot.actuate.health}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    @org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator("natrix")
    static class Boot3Health {

        @Bean
        @ConditionalOnMissingBean(name = "natrixHealthIndicator")
        Boot3HealthIndicator natrixHealthIndicator(Natrix natrix, NatrixServices services) {
            return new Boot3HealthIndicator(new NatrixHealth(natrix, services));
        }
    }
}
