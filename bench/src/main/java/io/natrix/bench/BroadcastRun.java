package io.natrix.bench;

import java.util.function.LongSupplier;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.natrix.Natrix;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Broadcast throughput: one publisher, N listener instances each on its own connection, every event to
 * every listener. Reports deliveries per second until every listener has every event (or has had them
 * dropped as a slow consumer, which is reported too).
 */
final class BroadcastRun {

    record Result(String stack, int listeners, int events, double deliveriesPerSecond, long dropped) {
    }

    private BroadcastRun() {
    }

    static Result natrix(String url, int listeners, int events, byte[] payload) throws Exception {
        List<Natrix> instances = new ArrayList<>();
        List<LongAdder> counts = new ArrayList<>();
        List<io.natrix.Service> services = new ArrayList<>();
        try {
            for (int i = 0; i < listeners; i++) {
                Natrix instance = Natrix.builder().servers(url).shutdownHook(false).connect();
                LongAdder count = new LongAdder();
                instances.add(instance);
                counts.add(count);
                services.add(instance.service("listener").listenerBacklog(events)
                        .broadcastListener("bench.broadcast", byte[].class, event -> count.increment())
                        .start());
            }
            return measure("natrix broadcastListener", url, listeners, events, payload, counts,
                    () -> services.stream().flatMap(s -> s.listeners().stream()).mapToLong(l -> l.dropped()).sum());
        } finally {
            instances.forEach(Natrix::close);
        }
    }

    static Result jnats(String url, int listeners, int events, byte[] payload) throws Exception {
        List<Connection> connections = new ArrayList<>();
        List<LongAdder> counts = new ArrayList<>();
        List<io.nats.client.Dispatcher> dispatchers = new ArrayList<>();
        try {
            for (int i = 0; i < listeners; i++) {
                Connection connection = RawNats.connect(url, "bench-broadcast-listener");
                LongAdder count = new LongAdder();
                connections.add(connection);
                counts.add(count);
                io.nats.client.Dispatcher dispatcher = connection.createDispatcher(message -> count.increment());
                dispatcher.setPendingLimits(events, -1);
                dispatcher.subscribe("bench.broadcast");
                dispatchers.add(dispatcher);
                connection.flush(Duration.ofSeconds(5));
            }
            return measure("raw jnats dispatcher", url, listeners, events, payload, counts,
                    () -> dispatchers.stream().mapToLong(io.nats.client.Dispatcher::getDroppedCount).sum());
        } finally {
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }

    private static Result measure(String stack, String url, int listeners, int events, byte[] payload,
                                  List<LongAdder> counts, LongSupplier dropped) throws Exception {
        try (Connection publisher = RawNats.connect(url, "bench-broadcast-publisher")) {
            long started = System.nanoTime();
            for (int i = 0; i < events; i++) {
                publisher.publish("bench.broadcast", payload);
            }
            publisher.flush(Duration.ofSeconds(30));
            long expected = (long) listeners * events;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (counts.stream().mapToLong(LongAdder::sum).sum() + dropped.getAsLong() < expected
                    && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long delivered = counts.stream().mapToLong(LongAdder::sum).sum();
            return new Result(stack, listeners, events, delivered / seconds, dropped.getAsLong());
        }
    }
}
