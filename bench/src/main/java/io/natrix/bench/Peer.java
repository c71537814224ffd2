package io.natrix.bench;

import io.helidon.webserver.WebServer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.natrix.EndpointOptions;
import io.natrix.ListenerOptions;
import io.natrix.Natrix;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A Java peer of {@code ./natrix bench peers}, one process per role, driven over stdin with the same line
 * protocol as the Go and Moleculer peers ({@code bench/README.md}):
 * <pre>
 * respond KIND URL PREFIX   natrix | jnats | http: the echo (and, for natrix and jnats, broadcast listeners)
 * request KIND URL PREFIX   natrix | natrix-json | jnats-blocking | jnats-future | jnats-async: closed loops, a publisher
 * </pre>
 * The HTTP echo's requester is Go's net/http client ({@code go-peer http-request}), a client that is not
 * suspected of limiting the server (the JDK's HttpClient was; Go's reaches about the same rate, so the HTTP
 * round trip is what costs, on both sides).
 */
public final class Peer {

    private Peer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: Peer respond|request KIND URL PREFIX");
        }
        String kind = args[1];
        String url = args[2];
        String prefix = args[3];
        switch (args[0]) {
            case "respond" -> respond(kind, url, prefix);
            case "request" -> request(kind, url, prefix);
            default -> throw new IllegalArgumentException("unknown role " + args[0]);
        }
    }

    // ---- responders ----

    private static void respond(String kind, String url, String prefix) throws Exception {
        switch (kind) {
            case "natrix" -> {
                Natrix natrix = connect(url, "peer-natrix-respond");
                natrix.service(prefix).version("1.0.0")
                        .endpoint("Echo", byte[].class, bytes -> bytes)
                        .endpoint("EchoJson", Responder.Payload.class, payload -> payload)
                        // served where it is read, as the Go responder that replies inline
                        .endpoint("EchoInline", byte[].class, bytes -> bytes, EndpointOptions.defaults().nonBlocking())
                        .start();
                Listeners listeners = new Listeners((count, nonBlocking) -> {
                    Natrix instance = connect(url, "peer-natrix-listener");
                    // never dropping, as the raw jnats and Go listeners (unlimited pending limits)
                    ListenerOptions options = ListenerOptions.defaults().neverDrop();
                    instance.service(prefix + "-listener").version("1.0.0")
                            .broadcastListener(prefix + ".events", byte[].class, bytes -> count.run(),
                                    nonBlocking ? options.nonBlocking() : options)
                            .start();
                    return instance::close;
                });
                commands("ready", listeners::answer);
                natrix.close();
            }
            case "jnats" -> {
                Connection raw = RawNats.connect(url, "peer-jnats-respond");
                Dispatcher dispatcher = raw.createDispatcher(message -> raw.publish(message.getReplyTo(), message.getData()));
                dispatcher.setPendingLimits(-1, -1);
                dispatcher.subscribe(prefix + ".echo", "peer");
                raw.flush(Duration.ofSeconds(5));
                Listeners listeners = new Listeners((count, nonBlocking) -> {
                    Connection listener = RawNats.connect(url, "peer-jnats-listener");
                    Dispatcher d = listener.createDispatcher(message -> count.run());
                    d.setPendingLimits(-1, -1);
                    d.subscribe(prefix + ".events");
                    listener.flush(Duration.ofSeconds(5));
                    return listener::close;
                });
                commands("ready", listeners::answer);
                raw.close();
            }
            case "http" -> {
                WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                        .routing(routing -> routing.post("/echo", (request, response) ->
                                response.send(request.content().as(byte[].class))))
                        .build().start();
                commands("ready " + server.port(), words -> "error http has no broadcast");
                server.stop();
            }
            default -> throw new IllegalArgumentException("no responder of kind " + kind);
        }
    }

    private static Natrix connect(String url, String name) {
        Natrix.Builder builder = Natrix.builder().servers(url).connectionName(name).shutdownHook(false);
        PeerSecurity.inherited().ifPresent(security ->
                builder.credentials(security.seed(PeerSecurity.USER)).trust(security.ca()));
        return builder.connect();
    }

    /** Broadcast listener instances on demand, each with its own connection; counts every delivery. */
    private static final class Listeners {

        interface Factory {
            /** @param nonBlocking the command said {@code non-blocking}: a natrix listener declared so */
            AutoCloseable open(Runnable onDelivery, boolean nonBlocking) throws Exception;
        }

        private final Factory factory;
        private final List<AutoCloseable> open = new ArrayList<>();
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong lastNanos = new AtomicLong();

        Listeners(Factory factory) {
            this.factory = factory;
        }

        String answer(String[] words) throws Exception {
            return switch (words[0]) {
                case "listeners" -> {
                    for (AutoCloseable listener : open) {
                        listener.close();
                    }
                    open.clear();
                    lastNanos.set(0);
                    for (int i = 0; i < Integer.parseInt(words[1]); i++) {
                        open.add(factory.open(() -> {
                            count.incrementAndGet();
                            lastNanos.set(System.nanoTime());
                        }, words.length > 2 && words[2].equals("non-blocking")));
                    }
                    count.set(0);
                    yield "ok";
                }
                case "await" -> {
                    awaitCount(Long.parseLong(words[1]), Duration.ofMillis(Long.parseLong(words[2])));
                    yield "ok " + count.get() + " " + epochNanos(lastNanos.get());
                }
                default -> "error unknown command " + words[0];
            };
        }

        private void awaitCount(long expected, Duration quiet) throws InterruptedException {
            long seen = count.get();
            long since = System.nanoTime();
            while (seen < expected && System.nanoTime() - since < quiet.toNanos()) {
                Thread.sleep(1);
                long now = count.get();
                if (now != seen) {
                    seen = now;
                    since = System.nanoTime();
                }
            }
        }
    }

    // ---- requesters ----

    private static void request(String kind, String url, String prefix) throws Exception {
        switch (kind) {
            case "natrix", "natrix-json", "natrix-inline" -> {
                Natrix natrix = connect(url, "peer-" + kind + "-request");
                String subject = "ms." + prefix + switch (kind) {
                    case "natrix" -> ".Echo";
                    case "natrix-inline" -> ".EchoInline";
                    default -> ".EchoJson";
                };
                // callers on natrix's own virtual threads, as its handlers are: their replies go on on the reader
                requests(closedLoop(kind, Natrix.virtualThreads(),
                                size -> kind.equals("natrix-json") ? json(natrix, subject, size) : bytes(natrix, subject, size)),
                        (count, maxMillis, size) -> {
                            byte[] payload = payload(size); // made once, as every peer does
                            return publishFor(count, maxMillis, () -> natrix.publish(prefix + ".events", payload),
                                    () -> natrix.flush(Duration.ofSeconds(30)));
                        });
                natrix.close();
            }
            case "jnats-blocking", "jnats-future", "jnats-async" -> {
                Connection raw = RawNats.connect(url, "peer-" + kind);
                String subject = prefix + ".echo";
                Function<Integer, Client.Call> calls = size -> {
                    byte[] payload = payload(size);
                    return kind.equals("jnats-future")
                            ? () -> raw.requestWithTimeout(subject, payload, Client.TIMEOUT).get()
                            : () -> {
                                if (raw.request(subject, payload, Client.TIMEOUT) == null) {
                                    throw new IllegalStateException("timed out");
                                }
                            };
                };
                Publisher publisher = (count, maxMillis, size) -> {
                    byte[] payload = payload(size);
                    return publishFor(count, maxMillis, () -> raw.publish(prefix + ".events", payload), () -> raw.flush(Duration.ofSeconds(30)));
                };
                requests(kind.equals("jnats-async")
                        ? (callers, duration, size, latencies) -> AsyncLoop.run(raw, subject, payload(size), callers, duration, latencies)
                        : closedLoop(kind, Thread.ofVirtual(), calls), publisher);
                raw.close();
            }
            default -> throw new IllegalArgumentException("no requester of kind " + kind);
        }
    }

    private static Client.Call bytes(Natrix natrix, String subject, int size) {
        byte[] payload = payload(size);
        return () -> natrix.call(subject, payload, byte[].class, Client.TIMEOUT);
    }

    private static Client.Call json(Natrix natrix, String subject, int size) {
        Responder.Payload payload = new Responder.Payload("x".repeat(size));
        return () -> natrix.call(subject, payload, Responder.Payload.class, Client.TIMEOUT);
    }

    /** Publishes {@code count} events of {@code size} bytes as fast as it can, for at most {@code maxMillis}. */
    private interface Publisher {
        String publish(long count, long maxMillis, int size) throws Exception;
    }

    /**
     * One closed-loop run: {@code callers} at once for {@code duration}, answered in the protocol's {@code rr}
     * line; every latency goes to the {@code latencies} file when one is given ({@link Latencies}).
     */
    private interface Loop {
        String run(int callers, Duration duration, int size, Path latencies) throws Exception;
    }

    /** The closed loop of {@link LoadRun}: every caller on its own virtual thread, blocking on {@code calls}. */
    private static Loop closedLoop(String kind, Thread.Builder threads, Function<Integer, Client.Call> calls) {
        return (callers, duration, size, latencies) -> {
            LoadRun.Result r = LoadRun.drive(Client.of(kind, calls.apply(size)), threads, callers, duration);
            if (latencies != null) {
                Latencies.write(r.histogram(), latencies);
            }
            return String.format("ok %d %d %d %d %d %d", r.count(), r.errors(), nanos(r.p50Micros()),
                    nanos(r.p99Micros()), nanos(r.p999Micros()), r.elapsedNanos());
        };
    }

    private static void requests(Loop loop, Publisher publisher) throws Exception {
        commands("ready", words -> switch (words[0]) {
            case "rr" -> loop.run(Integer.parseInt(words[1]), Duration.ofMillis(Long.parseLong(words[2])),
                    Integer.parseInt(words[3]), words.length > 4 ? Path.of(words[4]) : null);
            case "sync" -> "ok"; // the server knows every subscription once its listener flushed
            case "pub" -> publisher.publish(Long.parseLong(words[1]), Long.parseLong(words[2]), Integer.parseInt(words[3]));
            default -> "error unknown command " + words[0];
        });
    }

    private static String publishFor(long count, long maxMillis, Runnable publishOne, Client.Call flush) throws Exception {
        long startedEpoch = epochNanos(System.nanoTime());
        long end = System.nanoTime() + maxMillis * 1_000_000;
        long published = 0;
        while (published < count && System.nanoTime() < end) {
            for (int i = 0; i < 100 && published < count; i++, published++) {
                publishOne.run();
            }
        }
        flush.call();
        return "ok " + published + " " + startedEpoch + " " + epochNanos(System.nanoTime());
    }

    private static long nanos(double micros) {
        return Math.round(micros * 1000);
    }

    private static byte[] payload(int size) {
        return "x".repeat(size).getBytes(StandardCharsets.US_ASCII);
    }

    /** The wall-clock time, in epoch nanoseconds, of a {@link System#nanoTime()} reading: comparable across processes. */
    private static long epochNanos(long nanoTime) {
        Instant now = Instant.now();
        long nowEpoch = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        return nowEpoch - (System.nanoTime() - nanoTime);
    }

    private interface Answer {
        String answer(String[] words) throws Exception;
    }

    /** The line protocol: print {@code ready}, then one answer per command line until stdin closes. */
    private static void commands(String ready, Answer answer) throws IOException {
        System.out.println(ready);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] words = line.trim().split("\\s+");
            if (words[0].isEmpty()) {
                continue;
            }
            String reply;
            try {
                if (words[0].equals("gc")) { // a full collection before the rounds (PeerProcess.collectGarbage)
                    System.gc();
                    reply = "ok";
                } else {
                    reply = answer.answer(words);
                }
            } catch (Exception e) {
                reply = "error " + String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
            }
            System.out.println(reply);
            System.out.flush();
        }
    }
}
