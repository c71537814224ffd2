package io.natrix.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.natrix.CallTimeoutException;
import io.natrix.Contract;
import io.natrix.Natrix;
import io.natrix.NoRespondersException;
import io.natrix.ServiceException;
import io.natrix.ServiceInstance;
import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerProcess;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The starter in an application context (Spring's own test support for auto-configurations), against a real
 * secured nats-server: the application connects as the nkey user "fares", over TLS, allowed only its own
 * subjects; the test calls as the admin.
 */
class NatrixAutoConfigurationTest {

    @TempDir
    static Path dir;
    static NatsSecurity security;
    static NatsServerProcess server;
    static Natrix caller;

    @Contract(service = "fares")
    interface FaresApi {
        Quote quote(QuoteRequest request);
    }

    record QuoteRequest(double km) {
    }

    record Quote(long cents) {
    }

    record Refund(String rideId) {
    }

    record Refunded(String rideId, boolean done) {
    }

    record RideCompleted(String rideId) {
    }

    record Slow(long millis) {
    }

    @NatrixService(version = "1.2.0", description = "fares of rides")
    static class Fares implements FaresApi {

        final List<String> completed = new CopyOnWriteArrayList<>();

        @Override
        public Quote quote(QuoteRequest request) {
            return new Quote(250 + Math.round(request.km() * 120));
        }

        @NatrixEndpoint
        Refunded refund(Refund request) {
            if (request.rideId().isBlank()) {
                throw new ServiceException(400, "a refund names its ride");
            }
            return new Refunded(request.rideId(), true);
        }

        @NatrixEndpoint("Slowly")
        Refunded slow(Slow request) throws InterruptedException {
            Thread.sleep(request.millis());
            return new Refunded("slow", true);
        }

        @NatrixListener(subject = "ms.rides.completed", balanced = true)
        void completed(RideCompleted event) {
            completed.add(event.rideId());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class FaresApplication {
        @Bean
        Fares fares() {
            return new Fares();
        }
    }

    @BeforeAll
    static void start() {
        security = NatsSecurity.generate(dir.resolve("security"), Map.of(
                NatsSecurity.ADMIN, NatsSecurity.User.admin(),
                // the application: its endpoints and listener in its queue group, discovery, its own replies; it
                // may call its own endpoints (the typed client's case)
                "fares", NatsSecurity.User.allowing(List.of("ms.fares.*"),
                        List.of("ms.fares.* fares", "ms.rides.completed fares", "$SRV.*", "$SRV.*.fares",
                                "$SRV.*.fares.*", "_INBOX_fares.>"))));
        server = NatsServerProcess.start(1, false, 0, security).getFirst();
        caller = Natrix.builder().servers(server.url()).credentials(security.seed(NatsSecurity.ADMIN))
                .trust(security.ca()).shutdownHook(false).connect();
    }

    @AfterAll
    static void stop() {
        caller.close();
        server.stop();
    }

    static ApplicationContextRunner application(NatsServerProcess on) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(NatrixAutoConfiguration.class))
                .withPropertyValues(
                        "natrix.servers=" + on.url(),
                        "natrix.credentials=" + security.seed("fares"),
                        "natrix.trust=" + security.ca(),
                        "natrix.inbox-prefix=_INBOX_fares",
                        "natrix.drain-timeout=5s");
    }

    static <R> R call(String subject, Object request, Class<R> reply) {
        return caller.call(subject, request, reply, Duration.ofSeconds(2));
    }

    @Test
    void servesContractMethodAndListenerBeansWhileTheContextRuns() {
        ConfigurableApplicationContext[] kept = new ConfigurableApplicationContext[1];
        application(server).withUserConfiguration(FaresApplication.class).run(context -> {
            kept[0] = context;
            assertThat(context).hasNotFailed();
            assertThat(call("ms.fares.Quote", new QuoteRequest(10), Quote.class)).isEqualTo(new Quote(1450));
            assertThat(call("ms.fares.Refund", new Refund("r1"), Refunded.class)).isEqualTo(new Refunded("r1", true));
            assertThatThrownBy(() -> call("ms.fares.Refund", new Refund(" "), Refunded.class))
                    .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(400))
                    .hasMessageContaining("a refund names its ride");

            caller.publish("ms.rides.completed", new RideCompleted("r7"));
            await().atMost(Duration.ofSeconds(5)).until(() -> context.getBean(Fares.class).completed.contains("r7"));

            List<ServiceInstance> found = caller.discover(Duration.ofMillis(500)).stream()
                    .filter(instance -> instance.name().equals("fares")).toList();
            assertThat(found).singleElement().satisfies(instance -> {
                assertThat(instance.version()).isEqualTo("1.2.0");
                assertThat(instance.description()).isEqualTo("fares of rides");
                assertThat(instance.endpoints()).extracting(e -> e.subject())
                        .containsExactlyInAnyOrder("ms.fares.Quote", "ms.fares.Refund", "ms.fares.Slowly");
            });
            assertThat(context.getBean(Natrix.class).permissionViolations()).as("secured: nothing refused").isZero();
            assertThat(context.getBean(Natrix.class).nats().getConnectedUrl()).startsWith("tls://");
        });
        assertThat(kept[0].isActive()).isFalse();
        assertThatThrownBy(() -> call("ms.fares.Quote", new QuoteRequest(1), Quote.class))
                .as("stopped with the context").isInstanceOf(NoRespondersException.class);
    }

    @Test
    void aRequestInFlightIsAnsweredWhileTheContextCloses() throws Exception {
        CompletableFuture<Refunded> answer = new CompletableFuture<>();
        long[] closedAfterMillis = new long[1];
        application(server).withUserConfiguration(FaresApplication.class).run(context -> {
            Thread.ofVirtual().start(() -> {
                try {
                    answer.complete(caller.call("ms.fares.Slowly", new Slow(1500), Refunded.class, Duration.ofSeconds(5)));
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            });
            NatrixServices services = context.getBean(NatrixServices.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> services.services().getFirst().snapshot().endpoints()
                    .stream().mapToLong(e -> e.inFlight()).sum() == 1);
            long closing = System.nanoTime();
            context.close();
            closedAfterMillis[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing);
        });
        assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo(new Refunded("slow", true));
        assertThat(closedAfterMillis[0]).as("the close waited for the request").isGreaterThan(500);
    }

    @Test
    void healthReportsTheConnectionAndEachServiceAndGoesDownWhenEitherIsLost() {
        NatsServerProcess own = NatsServerProcess.start(1, false, 0, security).getFirst();
        try {
            application(own).withUserConfiguration(FaresApplication.class).run(context -> {
                HealthIndicator health = context.getBean("natrixHealthIndicator", HealthIndicator.class);
                var up = health.health(true);
                assertThat(up.getStatus()).isEqualTo(Status.UP);
                assertThat(up.getDetails()).containsEntry("connection", "CONNECTED").containsKey("server")
                        .containsEntry("permissionViolations", 0L);
                assertThat(up.getDetails().get("services")).asInstanceOf(
                        org.assertj.core.api.InstanceOfAssertFactories.MAP).containsOnlyKeys("fares");
                assertThat(up.getDetails().get("services").toString()).contains("state=SERVING", "ms.fares.Quote",
                        "ms.rides.completed");

                own.kill();
                await().atMost(Duration.ofSeconds(10)).until(() -> health.health(true).getStatus().equals(Status.DOWN));
                assertThat(health.health(true).getDetails().get("connection")).isIn("RECONNECTING", "DISCONNECTED");
            });
        } finally {
            own.stop();
        }
        application(server).withUserConfiguration(FaresApplication.class).run(context -> {
            HealthIndicator health = context.getBean("natrixHealthIndicator", HealthIndicator.class);
            context.getBean(NatrixServices.class).services().getFirst().close(); // stopped behind the starter's back
            assertThat(health.health(true).getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.health(true).getDetails().get("services").toString()).contains("state=STOPPED");
        });
    }

    @Test
    void natrixMetersLandInTheApplicationsRegistry() {
        application(server).withUserConfiguration(FaresApplication.class)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
                    call("ms.fares.Quote", new QuoteRequest(2), Quote.class);
                    call("ms.fares.Quote", new QuoteRequest(3), Quote.class);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("natrix.endpoint.requests").tag("service", "fares")
                            .tag("endpoint", "Quote").functionCounter().count()).isEqualTo(2);
                    assertThat(registry.get("natrix.endpoint.latency").tag("endpoint", "Quote").timer().count())
                            .isEqualTo(2);
                    assertThat(registry.get("natrix.nats.connected").gauge().value()).isEqualTo(1);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class FaresClient {
        @Bean
        FaresApi faresClient(Natrix natrix) {
            return natrix.proxy(FaresApi.class);
        }
    }

    @Test
    void aTypedClientBeanCallsTheContractInsteadOfServingIt() {
        application(server).withUserConfiguration(FaresApplication.class).run(served ->
                application(server).withUserConfiguration(FaresClient.class).run(client -> {
                    assertThat(client.getBean(NatrixServices.class).services()).as("nothing served").isEmpty();
                    assertThat(client.getBean(FaresApi.class).quote(new QuoteRequest(1))).isEqualTo(new Quote(370));
                }));
    }

    @Test
    void anAdvisedBeanIsCalledThroughItsProxy() {
        AtomicInteger advised = new AtomicInteger();
        BeanPostProcessor counting = new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (!(bean instanceof Fares)) {
                    return bean;
                }
                ProxyFactory factory = new ProxyFactory(bean);
                factory.setProxyTargetClass(true); // a class proxy, as @Transactional or @Timed on a class makes
                factory.addAdvice((MethodInterceptor) invocation -> {
                    advised.incrementAndGet();
                    return invocation.proceed();
                });
                return factory.getProxy();
            }
        };
        application(server).withUserConfiguration(FaresApplication.class)
                .withBean("counting", BeanPostProcessor.class, () -> counting).run(context -> {
                    assertThat(call("ms.fares.Quote", new QuoteRequest(1), Quote.class)).isEqualTo(new Quote(370));
                    assertThat(call("ms.fares.Refund", new Refund("r2"), Refunded.class).done()).isTrue();
                    assertThat(advised).as("both through the advice").hasValue(2);
                });
    }

    @NatrixService("fares")
    static class TwoParameters {
        @NatrixEndpoint
        Quote quote(QuoteRequest request, String extra) {
            return new Quote(1);
        }
    }

    @NatrixService("fares")
    static class GenericEvent {
        @NatrixListener(subject = "ms.rides.completed")
        void completed(List<RideCompleted> events) {
        }
    }

    static class Nameless {
        final List<String> heard = new CopyOnWriteArrayList<>();

        @NatrixListener(subject = "ms.rides.completed", balanced = true)
        void completed(RideCompleted event) {
            heard.add(event.rideId());
        }
    }

    @Test
    void aMisdeclaredBeanFailsTheStartNamingItself() {
        application(server).withBean("pricing", TwoParameters.class, TwoParameters::new).run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("method quote of bean 'pricing'")
                        .hasMessageContaining("must take exactly one parameter"));
        application(server).withBean("generic", GenericEvent.class, GenericEvent::new).run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("bean 'generic'")
                        .hasMessageContaining("java.util.List<"));
        application(server).withBean("nameless", Nameless.class, Nameless::new).run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("bean 'nameless'")
                        .hasMessageContaining("spring.application.name"));
        application(server).withBean("nameless", Nameless.class, Nameless::new)
                .withPropertyValues("spring.application.name=fares").run(context -> {
                    assertThat(context).hasNotFailed();
                    caller.publish("ms.rides.completed", new RideCompleted("r9"));
                    await().atMost(Duration.ofSeconds(5)).until(() -> context.getBean(Nameless.class).heard.contains("r9"));
                    assertThat(context.getBean(Natrix.class).nats().getOptions().getConnectionName()).isEqualTo("fares");
                });
    }

    @Test
    void withoutBootsHealthModuleTheServicesStillRun() {
        application(server).withUserConfiguration(FaresApplication.class)
                .withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean("natrixHealthIndicator");
                    assertThat(call("ms.fares.Quote", new QuoteRequest(0), Quote.class)).isEqualTo(new Quote(250));
                });
    }

    @Test
    void theApplicationsOwnConnectionAndCustomizersAreUsed() {
        AtomicInteger customized = new AtomicInteger();
        application(server).withUserConfiguration(FaresApplication.class)
                .withBean(NatrixBuilderCustomizer.class, () -> builder -> {
                    customized.incrementAndGet();
                    builder.defaultTimeout(Duration.ofMillis(300));
                }).run(context -> {
                    assertThat(customized).hasValue(1);
                    Natrix natrix = context.getBean(Natrix.class);
                    long started = System.nanoTime();
                    assertThatThrownBy(() -> natrix.call("ms.fares.Slowly", new Slow(1000), Refunded.class))
                            .isInstanceOf(CallTimeoutException.class);
                    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the customized default timeout")
                            .isLessThan(Duration.ofMillis(900));
                });
        try (Natrix own = Natrix.builder().servers(server.url()).credentials(security.seed("fares"))
                .trust(security.ca()).inboxPrefix("_INBOX_fares").shutdownHook(false).connect()) {
            application(server).withUserConfiguration(FaresApplication.class).withBean(Natrix.class, () -> own)
                    .run(context -> {
                        assertThat(context.getBean(Natrix.class)).isSameAs(own);
                        assertThat(own.services()).extracting(s -> s.name()).containsExactly("fares");
                    });
        }
    }

    @Test
    void anUnreachableServerFailsTheStartClearly() {
        NatsServerProcess gone = NatsServerProcess.start(1, false, 0, security).getFirst();
        gone.stop();
        application(gone).withUserConfiguration(FaresApplication.class).run(context ->
                assertThat(context).hasFailed().getFailure().hasStackTraceContaining(gone.url().replace("tls://", "")));
    }
}
