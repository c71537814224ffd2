package io.natrix;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads a {@link Contract} interface once: its service name and the endpoint behind each method. */
final class ContractMethods<T> {

    private final Class<T> contract;
    private final String service;
    private final Map<Method, Operation> operations;

    private ContractMethods(Class<T> contract) {
        if (!contract.isInterface()) {
            throw new IllegalArgumentException(contract.getName() + " is not an interface");
        }
        Contract annotation = contract.getAnnotation(Contract.class);
        if (annotation == null) {
            throw new IllegalArgumentException(contract.getName() + " has no @Contract(service = ...)");
        }
        this.contract = contract;
        this.service = Wire.requireName("service name", annotation.service());
        List<Operation> list = Arrays.stream(contract.getMethods())
                .filter(m -> !m.isDefault() && !Modifier.isStatic(m.getModifiers()))
                .map(method -> operation(service, method))
                .toList();
        if (list.isEmpty()) {
            throw new IllegalArgumentException(contract.getName() + " declares no endpoint methods");
        }
        this.operations = list.stream().collect(Collectors.toUnmodifiableMap(Operation::method, Function.identity()));
        if (list.stream().map(Operation::endpoint).distinct().count() < list.size()) {
            throw new IllegalArgumentException(contract.getName() + " names one endpoint twice: "
                    + list.stream().map(Operation::endpoint).sorted().toList());
        }
    }

    static <T> ContractMethods<T> of(Class<T> contract) {
        return new ContractMethods<>(contract);
    }

    private static Operation operation(String service, Method method) {
        if (method.getParameterCount() != 1) {
            throw new IllegalArgumentException("contract method " + method.getName()
                    + " must take exactly one request parameter");
        }
        Contract.Endpoint named = method.getAnnotation(Contract.Endpoint.class);
        String endpoint = named != null && !named.value().isEmpty() ? named.value()
                : Character.toUpperCase(method.getName().charAt(0)) + method.getName().substring(1);
        Wire.requireName("endpoint name", endpoint);
        if (named != null && !named.subject().isEmpty()) { // checked as the endpoint's options check it
            EndpointOptions options = EndpointOptions.defaults().subject(named.subject());
            return new Operation(method, endpoint, named.subject(), options);
        }
        return new Operation(method, endpoint, Wire.endpointSubject(service, endpoint), EndpointOptions.defaults());
    }

    /** The endpoints' subjects, for {@link Contract.Subjects}. */
    Contract.Subjects subjects() {
        Map<String, String> byEndpoint = new TreeMap<>();
        operations.values().forEach(operation -> byEndpoint.put(operation.endpoint(), operation.subject()));
        return new Contract.Subjects(service, java.util.Collections.unmodifiableMap(byEndpoint));
    }

    /** Registers every method as an endpoint of the builder's service, calling the implementation. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void bind(Service.Builder builder, T implementation, Map<String, EndpointOptions> serving) {
        if (!builder.name.equals(service)) {
            throw new IllegalArgumentException(contract.getSimpleName() + " is a contract of service '" + service
                    + "', not '" + builder.name + "'");
        }
        Set<String> endpoints = subjects().endpoints();
        serving.keySet().stream().filter(name -> !endpoints.contains(name)).findFirst().ifPresent(name -> {
            throw new IllegalArgumentException("options for '" + name + "', which " + contract.getSimpleName()
                    + " has no endpoint of; it has " + endpoints);
        });
        for (Operation operation : operations.values()) {
            Method method = operation.method();
            method.setAccessible(true); // the contract may be package-private in the user's code
            MethodHandle bound;
            try {
                bound = MethodHandles.lookup().unreflect(method).bindTo(implementation)
                        .asType(MethodType.methodType(Object.class, Object.class));
            } catch (IllegalAccessException e) {
                throw new IllegalArgumentException("cannot call " + method + " of " + contract.getName(), e);
            }
            // what the implementation throws reaches the endpoint as it was thrown, as from a Handler
            Handler<Object, Object> handler = request -> {
                try {
                    return bound.invokeExact(request);
                } catch (Exception | Error e) {
                    throw e;
                } catch (Throwable other) {
                    throw new IllegalStateException(other);
                }
            };
            builder.endpoint(operation.endpoint(), (Class) method.getParameterTypes()[0], handler,
                    operation.servedWith(serving.get(operation.endpoint())));
        }
    }

    /** A client whose methods call the service and block for the reply. */
    T proxy(Natrix natrix, Duration timeout) {
        Object client = Proxy.newProxyInstance(contract.getClassLoader(), new Class<?>[]{contract},
                (self, method, args) -> {
                    Operation operation = operations.get(method);
                    if (operation != null) {
                        return natrix.call(operation.subject(), args[0],
                                boxed(method.getReturnType()), timeout);
                    }
                    if (method.isDefault()) {
                        return invokeDefault(self, method, args);
                    }
                    return switch (method.getName()) {
                        case "toString" -> contract.getSimpleName() + " client of service '" + service + "'";
                        case "hashCode" -> System.identityHashCode(self);
                        case "equals" -> self == args[0];
                        default -> throw new UnsupportedOperationException(method.toString());
                    };
                });
        return contract.cast(client);
    }

    /**
     * Runs a default method of the contract on the client. {@link InvocationHandler#invokeDefault} needs the
     * interface to be accessible to natrix; a contract declared package-private in the application's own package
     * (as a test or a single-module service would) is reached through a lookup in that interface instead.
     */
    private static Object invokeDefault(Object self, Method method, Object[] args) throws Throwable {
        try {
            return InvocationHandler.invokeDefault(self, method, args);
        } catch (IllegalAccessException notAccessible) {
            MethodHandle handle;
            try {
                Class<?> contract = method.getDeclaringClass();
                handle = MethodHandles.privateLookupIn(contract, MethodHandles.lookup()).findSpecial(contract,
                        method.getName(), MethodType.methodType(method.getReturnType(), method.getParameterTypes()), contract);
            } catch (IllegalAccessException stillNot) {
                throw new IllegalStateException("cannot run the default method " + method + " of a contract natrix"
                        + " cannot access: make the interface public, or open its package to io.natrix", stillNot);
            }
            return handle.bindTo(self).invokeWithArguments(args == null ? new Object[0] : args);
        }
    }

    private static Class<?> boxed(Class<?> type) {
        return type == void.class ? Void.class : type;
    }

    /** One contract method: its endpoint, the subject it is served on, and the options the contract implies. */
    private record Operation(Method method, String endpoint, String subject, EndpointOptions options) {

        /** The serving options given for this endpoint, on the subject the contract names; none given: the contract's. */
        EndpointOptions servedWith(EndpointOptions given) {
            if (given == null) {
                return options;
            }
            Optional<String> named = options.subject();
            if (named.isEmpty()) {
                return given;
            }
            if (given.subject().isPresent() && !given.subject().equals(named)) {
                if (given.subject().get().startsWith(named.get() + ".")) {
                    return given; // a shard of the endpoint: ms.geo.Nearby.north, callers name it as they call
                }
                throw new IllegalArgumentException("the contract serves " + endpoint + " on '" + named.get()
                        + "' (or a subject under it, for a shard); its options name '" + given.subject().get() + "'");
            }
            return given.subject(named.get());
        }
    }
}
