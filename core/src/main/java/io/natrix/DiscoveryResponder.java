package io.natrix;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Answers {@code $SRV.PING}, {@code $SRV.INFO} and {@code $SRV.STATS} for one service instance: for all
 * services, by name, and by name and id, without a queue group, so every instance answers.
 */
final class DiscoveryResponder {

    private final DefaultService service;
    private final CoreConnection connection;
    private final JsonCodec codec;

    DiscoveryResponder(DefaultService service, CoreConnection connection, JsonCodec codec) {
        this.service = service;
        this.connection = connection;
        this.codec = codec;
    }

    /** Subscribes to every verb's subjects; each subscription made is given to {@code made}. */
    void subscribe(Consumer<CoreConnection.Subscription> made) {
        byte[] ping = codec.encode(ping());
        byte[] info = codec.encode(info());
        verb(made, Wire.PING, () -> ping);
        verb(made, Wire.INFO, () -> info);
        verb(made, Wire.STATS, () -> codec.encode(stats()));
    }

    private void verb(Consumer<CoreConnection.Subscription> made, String verb, Supplier<byte[]> answer) {
        for (String subject : List.of(
                Wire.discoverySubject(verb, null, null),
                Wire.discoverySubject(verb, service.name(), null),
                Wire.discoverySubject(verb, service.name(), service.id()))) {
            made.accept(connection.subscribe(subject, null, request -> {
                String replyTo = request.getReplyTo();
                if (replyTo != null) { // answered off the reader thread: STATS is encoded anew each time
                    Thread.startVirtualThread(() -> reply(replyTo, answer));
                }
            }));
        }
    }

    private void reply(String replyTo, Supplier<byte[]> answer) {
        try {
            connection.publish(replyTo, null, null, answer.get());
        } catch (IllegalStateException closed) {
            // the connection closed while answering: the asker hears nothing, as from a stopped instance
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
