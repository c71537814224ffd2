package io.natrix;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Lists running service instances by asking {@code $SRV.INFO} and {@code $SRV.STATS} at the same time. */
final class DiscoveryClient {

    private final Caller caller;
    private final JsonCodec codec;

    DiscoveryClient(Caller caller, JsonCodec codec) {
        this.caller = caller;
        this.codec = codec;
    }

    List<ServiceInstance> discover(Duration window) {
        List<DiscoveryJson.Info> infos;
        Map<String, DiscoveryJson.Stats> stats;
        try (var both = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<List<DiscoveryJson.Info>> askInfo = both.submit(() -> ask(Wire.INFO, DiscoveryJson.Info.class, window));
            Future<List<DiscoveryJson.Stats>> askStats = both.submit(() -> ask(Wire.STATS, DiscoveryJson.Stats.class, window));
            infos = askInfo.get();
            stats = askStats.get().stream().collect(Collectors.toMap(DiscoveryJson.Stats::id, Function.identity(), (a, b) -> a));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallInterruptedException(Wire.DISCOVERY_PREFIX, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof NatrixException natrix ? natrix
                    : new ConnectionException(Wire.DISCOVERY_PREFIX, "discovery failed: " + e.getCause(), e.getCause());
        }
        return infos.stream()
                .map(info -> instance(info, stats.get(info.id())))
                .sorted(Comparator.comparing(ServiceInstance::name).thenComparing(ServiceInstance::id))
                .toList();
    }

    private <T> List<T> ask(String verb, Class<T> type, Duration window) {
        return caller.gather(Wire.discoverySubject(verb, null, null), new byte[0], byte[].class, window).stream()
                .map(bytes -> parse(bytes, type))
                .filter(Objects::nonNull)
                .toList();
    }

    private <T> T parse(byte[] bytes, Class<T> type) {
        try {
            return codec.decode(bytes, type);
        } catch (JsonCodec.MalformedJsonException e) {
            return null; // not every responder on $SRV speaks the spec; skip the ones that do not
        }
    }

    private static ServiceInstance instance(DiscoveryJson.Info info, DiscoveryJson.Stats stats) {
        Map<String, DiscoveryJson.EndpointStatsJson> counters = stats == null || stats.endpoints() == null ? Map.of()
                : stats.endpoints().stream().collect(Collectors.toMap(DiscoveryJson.EndpointStatsJson::name,
                Function.identity(), (a, b) -> a));
        List<EndpointStats> endpoints = info.endpoints() == null ? List.of() : info.endpoints().stream()
                .map(e -> endpoint(e, counters.get(e.name())))
                .toList();
        return new ServiceInstance(info.name(), info.id(), info.version(),
                Objects.requireNonNullElse(info.description(), ""),
                info.metadata() == null ? Map.of() : info.metadata(),
                stats == null ? Instant.EPOCH : instant(stats.started()), endpoints);
    }

    private static EndpointStats endpoint(DiscoveryJson.EndpointInfo info, DiscoveryJson.EndpointStatsJson stats) {
        Optional<String> queueGroup = Optional.ofNullable(info.queueGroup()).filter(q -> !q.isEmpty());
        if (stats == null) {
            return new EndpointStats(info.name(), info.subject(), queueGroup, 0, 0, Duration.ZERO, Optional.empty(), 0, 0,
                    Duration.ZERO, Duration.ZERO);
        }
        return new EndpointStats(info.name(), info.subject(), queueGroup, stats.numRequests(), stats.numErrors(),
                Duration.ofNanos(stats.processingTime()),
                Optional.ofNullable(stats.lastError()).filter(error -> !error.isEmpty()),
                counter(stats.data(), "in_flight"), counter(stats.data(), "overloaded"),
                Duration.ofNanos(counter(stats.data(), "p50_ns")), Duration.ofNanos(counter(stats.data(), "p99_ns")));
    }

    /** Natrix puts its extra counters in the spec's free-form {@code data}; other services put anything there. */
    private static long counter(Object data, String name) {
        return data instanceof Map<?, ?> map && map.get(name) instanceof Number number ? number.longValue() : 0;
    }

    private static Instant instant(String started) {
        try {
            return started == null ? Instant.EPOCH : OffsetDateTime.parse(started).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
