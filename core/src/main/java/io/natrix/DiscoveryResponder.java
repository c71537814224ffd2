package io.natrix;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Answers {@code $SRV.PING}, {@code $SRV.INFO} and {@code $SRV.STATS} for one service instance: for all
 * services, by name, and by name and id, without a queue group, so every instance answers.
 */
final class DiscoveryResponder {

    private final DefaultService service;
    private final Connection connection;
    private final JsonCodec codec;

    DiscoveryResponder(DefaultService service, Connection connection, JsonCodec codec) {
        this.service = service;
        this.connection = connection;
        this.codec = codec;
    }

    void subscribe(Dispatcher dispatcher) {
        byte[] ping = codec.encode(ping());
        byte[] info = codec.encode(info());
        verb(dispatcher, Wire.PING, () -> ping);
        verb(dispatcher, Wire.INFO, () -> info);
        verb(dispatcher, Wire.STATS, () -> codec.encode(stats()));
    }

    private void verb(Dispatcher dispatcher, String verb, Supplier<byte[]> answer) {
        for (String subject : new String[]{
                Wire.discoverySubject(verb, null, null),
                Wire.discoverySubject(verb, service.name(), null),
                Wire.discoverySubject(verb, service.name(), service.id())}) {
            dispatcher.subscribe(subject, (Message request) -> {
                if (request.getReplyTo() != null) {
                    connection.publish(request.getReplyTo(), answer.get());
                }
            });
        }
    }

    private DiscoveryJson.Ping ping() {
        return new DiscoveryJson.Ping(Wire.PING_TYPE, service.name(), service.id(), service.version(),
                service.metadata());
    }

    private DiscoveryJson.Info info() {
        return new DiscoveryJson.Info(Wire.INFO_TYPE, service.name(), service.id(), service.version(),
                service.metadata(), service.description(),
                service.endpoints().stream()
                        .map(e -> new DiscoveryJson.EndpointInfo(e.name(), e.subject(), e.queueGroup().orElse(null),
                                e.options().metadata()))
                        .toList());
    }

    private DiscoveryJson.Stats stats() {
        return new DiscoveryJson.Stats(Wire.STATS_TYPE, service.name(), service.id(), service.version(),
                service.metadata(), service.started().toString(),
                service.snapshot().endpoints().stream()
                        .map(s -> new DiscoveryJson.EndpointStatsJson(s.name(), s.subject(), s.queueGroup().orElse(null),
                                s.requests(), s.errors(), s.processingTime().toNanos(),
                                s.averageProcessingTime().toNanos(), s.lastError().orElse(""),
                                Map.of("in_flight", s.inFlight(), "overloaded", s.overloaded(),
                                        "p50_ns", s.p50().toNanos(), "p99_ns", s.p99().toNanos())))
                        .toList());
    }
}
