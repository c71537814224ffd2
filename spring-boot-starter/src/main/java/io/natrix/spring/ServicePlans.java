package io.natrix.spring;

import io.natrix.Contract;
import io.natrix.Durable;
import io.natrix.EndpointOptions;
import io.natrix.Handler;
import io.natrix.Listener;
import io.natrix.ListenerOptions;
import io.natrix.Service;
import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the application's beans into the services they describe: a {@link NatrixService} bean, a bean with
 * {@link NatrixEndpoint} or {@link NatrixListener} methods, or one implementing a {@link Contract} interface. Beans
 * of one service name make one plan. Everything wrong is said here, before anything is served, naming the bean.
 */
final class ServicePlans {

    /** One service: its name, version, description and what each of its beans adds to its builder. */
    record Plan(String name, String version, String description, List<Consumer<Service.Builder>> parts) {

        Service start(io.natrix.Natrix natrix) {
            Service.Builder builder = natrix.service(name).version(version.isEmpty() ? "0.0.0" : version)
                    .description(description);
            parts.forEach(part -> part.accept(builder));
            return builder.start();
        }
    }

    private static final List<Class<? extends java.lang.annotation.Annotation>> ANNOTATIONS =
            List.of(NatrixService.class, NatrixEndpoint.class, NatrixListener.class, NatrixDurableListener.class);

    private ServicePlans() {
    }

    static List<Plan> read(ConfigurableListableBeanFactory beans, String applicationName) {
        Map<String, PlanBuilder> plans = new LinkedHashMap<>();
        for (String beanName : beans.getBeanDefinitionNames()) {
            Class<?> type = typeOf(beans, beanName);
            Described described = type == null ? null : Described.of(type);
            if (described == null) {
                continue;
            }
            String name = serviceName(beanName, described, applicationName);
            plans.computeIfAbsent(name, PlanBuilder::new).add(beanName, described, beans.getBean(beanName));
        }
        return plans.values().stream().map(PlanBuilder::build).toList();
    }

    /** What one bean's class declares, read once: null for a class that declares no part of a service. */
    private record Described(Class<?> type, NatrixService service, Set<Class<?>> contracts,
                             Map<Method, NatrixEndpoint> endpoints, Map<Method, NatrixListener> listeners,
                             Map<Method, NatrixDurableListener> durables) {

        static Described of(Class<?> type) {
            Set<Class<?>> contracts = new java.util.LinkedHashSet<>();
            for (Class<?> candidate : ClassUtils.getAllInterfacesForClassAsSet(type)) {
                if (candidate.isAnnotationPresent(Contract.class)) {
                    contracts.add(candidate);
                }
            }
            if (contracts.isEmpty() && !AnnotationUtils.isCandidateClass(type, ANNOTATIONS)) {
                return null; // e.g. java.* and Spring's own classes, without looking at each method
            }
            Described described = new Described(type, AnnotatedElementUtils.findMergedAnnotation(type, NatrixService.class),
                    contracts, annotated(type, NatrixEndpoint.class), annotated(type, NatrixListener.class),
                    annotated(type, NatrixDurableListener.class));
            boolean any = described.service != null || !contracts.isEmpty() || !described.endpoints.isEmpty()
                    || !described.listeners.isEmpty() || !described.durables.isEmpty();
            return any ? described : null;
        }

        private static <A extends java.lang.annotation.Annotation> Map<Method, A> annotated(Class<?> type, Class<A> annotation) {
            return MethodIntrospector.selectMethods(type, (MethodIntrospector.MetadataLookup<A>)
                    method -> AnnotatedElementUtils.findMergedAnnotation(method, annotation));
        }
    }

    /** The bean's own class (not a proxy's), or null for a bean not to be looked at. */
    private static Class<?> typeOf(ConfigurableListableBeanFactory beans, String beanName) {
        if (beanName.startsWith("scopedTarget.")) {
            return null;
        }
        if (beans.containsBeanDefinition(beanName)
                && beans.getBeanDefinition(beanName).getRole() == BeanDefinition.ROLE_INFRASTRUCTURE) {
            return null;
        }
        Class<?> type;
        try {
            type = AutoProxyUtils.determineTargetClass(beans, beanName);
            if (type == null) {
                type = beans.getType(beanName, false);
            }
        } catch (RuntimeException unresolvable) {
            return null; // as Spring's own @EventListener processing: a bean whose type cannot be known is no service
        }
        if (type == null || type.isInterface() || Proxy.isProxyClass(type)) {
            return null; // a typed client (Natrix.proxy) implements a contract without serving it
        }
        return ClassUtils.getUserClass(type);
    }

    private static String serviceName(String beanName, Described described, String applicationName) {
        if (described.service() != null && !described.service().name().isEmpty()) {
            return described.service().name();
        }
        List<String> ofContracts = described.contracts().stream()
                .map(contract -> contract.getAnnotation(Contract.class).service()).distinct().toList();
        if (ofContracts.size() == 1) {
            return ofContracts.getFirst();
        }
        if (ofContracts.size() > 1) {
            throw new IllegalStateException("bean '" + beanName + "' (" + described.type().getName() + ") implements"
                    + " contracts of the services " + ofContracts + ": a bean serves one service, so split it");
        }
        if (applicationName != null && !applicationName.isBlank()) {
            return applicationName;
        }
        throw new IllegalStateException("bean '" + beanName + "' (" + described.type().getName() + ") has Natrix endpoints or "
                + "listeners but no service name: annotate it @NatrixService(\"name\") or set spring.application.name");
    }

    /** Collects one service's beans. */
    private static final class PlanBuilder {

        private final String name;
        private String version = "";
        private String versionFrom;
        private final List<String> descriptions = new ArrayList<>();
        private final List<Consumer<Service.Builder>> parts = new ArrayList<>();

        PlanBuilder(String name) {
            this.name = name;
        }

        void add(String beanName, Described described, Object bean) {
            if (described.service() != null) {
                version(beanName, described.service().version());
                if (!described.service().description().isEmpty()) {
                    descriptions.add(described.service().description());
                }
            }
            for (Class<?> contract : described.contracts()) {
                addContract(contract, bean);
            }
            described.endpoints().forEach((method, endpoint) -> addEndpoint(beanName, bean, method, endpoint));
            described.listeners().forEach((method, listener) -> addListener(beanName, bean, method, listener));
            described.durables().forEach((method, durable) -> addDurable(beanName, bean, method, durable));
        }

        private void version(String beanName, String given) {
            if (given.isEmpty()) {
                return;
            }
            if (!version.isEmpty() && !version.equals(given)) {
                throw new IllegalStateException("service '" + name + "' is given two versions: " + version
                        + " by bean '" + versionFrom + "' and " + given + " by bean '" + beanName + "'");
            }
            version = given;
            versionFrom = beanName;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private void addContract(Class<?> contract, Object bean) {
            parts.add(builder -> builder.implement((Class) contract, bean));
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private void addEndpoint(String beanName, Object bean, Method method, NatrixEndpoint endpoint) {
            Class<?> requestType = oneParameter(beanName, method, "endpoint");
            if (method.getReturnType() == void.class) {
                throw new IllegalStateException(where(beanName, method) + " is an endpoint and returns nothing: "
                        + "return the reply (or make it a @NatrixListener)");
            }
            String endpointName = !endpoint.value().isEmpty() ? endpoint.value()
                    : Character.toUpperCase(method.getName().charAt(0)) + method.getName().substring(1);
            EndpointOptions options = EndpointOptions.defaults();
            if (!endpoint.subject().isEmpty()) {
                options = options.subject(endpoint.subject());
            }
            if (endpoint.maxInFlight() > 0) {
                options = options.maxInFlight(endpoint.maxInFlight());
            }
            MethodHandle call = invoker(beanName, bean, method);
            Handler<Object, Object> handler = request -> invoke(call, request);
            EndpointOptions servedWith = options;
            parts.add(builder -> builder.endpoint(endpointName, (Class) requestType, handler, servedWith));
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private void addListener(String beanName, Object bean, Method method, NatrixListener listener) {
            Class<?> eventType = oneParameter(beanName, method, "listener");
            ListenerOptions options = listener.neverDrop() ? ListenerOptions.defaults().neverDrop() : ListenerOptions.defaults();
            MethodHandle call = invoker(beanName, bean, method);
            Listener<Object> onEvent = event -> invoke(call, event);
            if (listener.balanced()) {
                parts.add(builder -> builder.balancedListener(listener.subject(), (Class) eventType, onEvent, options));
            } else {
                parts.add(builder -> builder.broadcastListener(listener.subject(), (Class) eventType, onEvent, options));
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private void addDurable(String beanName, Object bean, Method method, NatrixDurableListener listener) {
            Class<?> eventType = oneParameter(beanName, method, "listener");
            Durable durable = Durable.stream(listener.stream(), listener.subject()).replicas(listener.replicas())
                    .maxAttempts(listener.maxAttempts());
            MethodHandle call = invoker(beanName, bean, method);
            Listener<Object> onEvent = event -> invoke(call, event);
            parts.add(builder -> builder.durableListener(durable, (Class) eventType, onEvent));
        }

        Plan build() {
            return new Plan(name, version, String.join("; ", descriptions), List.copyOf(parts));
        }

        private static Class<?> oneParameter(String beanName, Method method, String what) {
            if (method.getParameterCount() != 1) {
                throw new IllegalStateException(where(beanName, method) + " is a " + what + " and must take exactly one "
                        + "parameter (the " + (what.equals("endpoint") ? "request" : "event") + "), not "
                        + method.getParameterCount());
            }
            if (method.getGenericParameterTypes()[0] instanceof ParameterizedType generic) {
                throw new IllegalStateException(where(beanName, method) + " takes a " + generic + ": a " + what
                        + " takes a class or record (a generic type's arguments are not known when JSON is read)");
            }
            return method.getParameterTypes()[0];
        }

        /** A handle on the method as the bean answers it: through its proxy, so the bean's advice applies. */
        private static MethodHandle invoker(String beanName, Object bean, Method method) {
            Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
            try {
                invocable.setAccessible(true); // a package-private bean class or method, as Spring allows
                return MethodHandles.lookup().unreflect(invocable).bindTo(bean)
                        .asType(MethodType.methodType(Object.class, Object.class));
            } catch (IllegalAccessException | RuntimeException e) {
                throw new IllegalStateException("cannot call " + where(beanName, method) + ": " + e.getMessage(), e);
            }
        }

        /** What the method throws reaches Natrix as it was thrown, as from a {@link Handler}. */
        private static Object invoke(MethodHandle call, Object argument) throws Exception {
            try {
                return call.invokeExact(argument);
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable other) {
                throw new IllegalStateException(other);
            }
        }

        private static String where(String beanName, Method method) {
            return "method " + method.getName() + " of bean '" + beanName + "' (" + method.getDeclaringClass().getName() + ")";
        }
    }
}
