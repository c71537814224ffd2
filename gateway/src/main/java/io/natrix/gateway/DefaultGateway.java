package io.natrix.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.websocket.WsRouting;
import io.nats.client.Connection;
import io.nats.client.NUID;
import io.natrix.Natrix;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** The Helidon server behind a {@link Gateway}: health endpoints, then every REST route. */
final class DefaultGateway implements Gateway {

    private final WebServer server;
    private final SharedSubscriptions subscriptions;
    private final StreamCounter streams;
    private final IdleWatch idle;
    private final List<OutboundStream> outbounds;
    private final List<RoutedBatches> batches;
    private final Optional<IngestServer> ingest;

    /** The largest batch of events published as one message (a server's limit may make it smaller). */
    static final int MAX_BATCH_BYTES = 256 << 10;

    private DefaultGateway(WebServer server, SharedSubscriptions subscriptions, StreamCounter streams, IdleWatch idle,
                           List<OutboundStream> outbounds, List<RoutedBatches> batches, Optional<IngestServer> ingest) {
        this.batches = batches;
        this.ingest = ingest;
        this.server = server;
        this.subscriptions = subscriptions;
        this.streams = streams;
        this.idle = idle;
        this.outbounds = outbounds;
    }

    /** Streams open now. */
    int openStreams() {
        return streams.count();
    }

    /** Clients disconnected so far for falling too far behind. */
    long fellBehind() {
        return streams.fellBehindCount();
    }

    /** Shared pollers asking now, over every shared poll route. */
    int sharedPollers() {
        return outbounds.stream().mapToInt(OutboundStream::sharedPollers).sum();
    }

    /** Subscriptions held for subscription streams now. */
    int streamSubscriptions() {
        return subscriptions.count();
    }

    static Gateway start(Gateway.Builder builder) {
        // natrix's own: a shared buffer pool (each stream is a virtual thread of its own, so a thread-local pool
        // held buffers per stream) and fast number parsing (positions are numbers); every typed read here
        // already ignores unknown fields
        ObjectMapper json = Natrix.defaultObjectMapper();
        Responses responses = new Responses(json);
        Natrix natrix = builder.natrix;
        StreamCounter streams = new StreamCounter(builder.maxStreams);
        // one dispatcher for every subscription stream: its handlers only drop messages into mailboxes
        SharedSubscriptions subscriptions = new SharedSubscriptions(natrix.nats());
        IdleWatch idle = new IdleWatch(builder.idleTimeout.compareTo(builder.heartbeat.multipliedBy(2)) > 0
                ? builder.idleTimeout : builder.heartbeat.multipliedBy(2));
        Optional<RateLimits> limits = builder.verifier.map(verifier -> new RateLimits(builder.limits, System::nanoTime));
        Guard guard = new Guard(builder.verifier, builder.loginPath, limits);
        HostCheck hosts = HostCheck.of(builder.host, builder.hosts);
        List<Router.Entry<GatewayHandler.Target>> entries = new ArrayList<>();
        List<OutboundStream> outbounds = new ArrayList<>();
        List<RoutedBatches> batches = new ArrayList<>();
        for (Route route : builder.routes) {
            entries.add(new Router.Entry<>(route.method(), route.path(), new GatewayHandler.Target(
                    new RestHandler(natrix, route, builder.defaultTimeout, builder.maxBodyBytes, json), route.access(), false)));
        }
        WsRouting.Builder webSockets = WsRouting.builder();
        List<WebSocketRoute> ingestRoutes = new ArrayList<>();
        for (StreamRoute stream : builder.streams) {
            Optional<RoutedBatches> batched = stream.batching().map(b -> new RoutedBatches(natrix, b,
                    (int) Math.min(MAX_BATCH_BYTES, natrix.nats().getMaxPayload())));
            batched.ifPresent(batches::add);
            IngestEvents events = new IngestEvents(natrix, stream.subject(), RequestShape.of(json, stream.accepts()),
                    stream.stamps(), builder.maxLineBytes, json, limits.map(l -> l.events), batched);
            if (stream.kind() == StreamRoute.Kind.PUBLISH) {
                WebSocketRoute webSocket = new WebSocketRoute(events, PathTemplate.compile(stream.path()), stream.access(), guard,
                        hosts, streams, json, stream.delivers(), subscriptions);
                ingestRoutes.add(webSocket);
                // the same path upgrades to WebSocket; Helidon's WebSocket routes read {name} templates too
                webSockets.endpoint(stream.path(), () -> new WebSocketIngest(webSocket));
            }
            Forwarder forwarder = switch (stream.kind()) {
                case PUBLISH -> new IngestStream(natrix, events, json, streams, idle);
                case SUBSCRIBE, POLL -> {
                    OutboundStream outbound = new OutboundStream(natrix, stream, builder.heartbeat, json, streams, subscriptions, idle);
                    outbounds.add(outbound);
                    yield outbound;
                }
            };
            entries.add(new Router.Entry<>(stream.method(), stream.path(), new GatewayHandler.Target(forwarder, stream.access(), true)));
        }
        for (Page page : builder.pages) {
            entries.add(new Router.Entry<>("GET", page.path(), new GatewayHandler.Target(page, page.access(), false)));
        }
        if (builder.uploadPath != null) {
            ObjectBuckets.ensure(natrix.nats(), builder.uploadBuckets);
            ObjectRoute objects = new ObjectRoute(natrix, builder.uploadBuckets, builder.maxUploadBytes, json);
            entries.add(new Router.Entry<>("POST", builder.uploadPath, new GatewayHandler.Target(objects.upload(), builder.uploadAccess, true)));
            entries.add(new Router.Entry<>("GET", builder.uploadPath, new GatewayHandler.Target(objects.download(), builder.uploadAccess, true)));
        }
        GatewayHandler handler = new GatewayHandler(new Router<>(entries), guard, hosts, responses, natrix.observer(), NUID.nextGlobal());
        WebServer server;
        Optional<IngestServer> ingest = Optional.empty();
        try {
            server = WebServer.builder()
                .host(builder.host)
                .port(builder.port)
                .shutdownGracePeriod(Duration.ofSeconds(10))
                .addProtocol(Http1Config.builder().maxHeadersSize(builder.maxHeaderBytes).build())
                .routing(routing -> routing
                        .get("/health/live", (request, response) -> responses.send(response, 200, Map.of("status", "UP")))
                        .get("/health/ready", (request, response) -> {
                            Connection.Status nats = natrix.nats().getStatus();
                            boolean ready = nats == Connection.Status.CONNECTED;
                            responses.send(response, ready ? 200 : 503,
                                    Map.of("status", ready ? "UP" : "DOWN", "nats", nats.name()));
                        })
                        .any(handler))
                .addRouting(webSockets)
                .build()
                .start();
            if (!server.isRunning()) { // Helidon logs a listener it could not start (a port taken) and returns
                throw new IllegalStateException("the gateway could not listen on " + builder.host + ":" + builder.port
                        + " (is the port taken? the reason is logged above)");
            }
        } catch (RuntimeException notStarted) { // e.g. the port is taken: what was started for it stops
            closeAll(batches, outbounds, subscriptions, idle);
            throw notStarted;
        }
        try {
            if (builder.ingestPort.isPresent()) {
                ingest = Optional.of(IngestServer.start(builder.host, builder.ingestPort.getAsInt(), ingestRoutes,
                        builder.maxHeaderBytes, builder.idleTimeout, responses));
            }
        } catch (RuntimeException notStarted) {
            server.stop();
            closeAll(batches, outbounds, subscriptions, idle);
            throw notStarted;
        }
        return new DefaultGateway(server, subscriptions, streams, idle, outbounds, batches, ingest);
    }

    private static void closeAll(List<RoutedBatches> batches, List<OutboundStream> outbounds, SharedSubscriptions subscriptions,
                                 IdleWatch idle) {
        batches.forEach(RoutedBatches::close);
        outbounds.forEach(OutboundStream::close);
        subscriptions.close();
        idle.close();
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public OptionalInt ingestPort() {
        return ingest.map(server -> OptionalInt.of(server.port())).orElseGet(OptionalInt::empty);
    }

    @Override
    public void close() {
        ingest.ifPresent(IngestServer::close); // its sockets end first; their events are in the batches closed below
        streams.closeAll(); // outbound streams write their final message and end, so the stop need not wait them out
        if (server.isRunning()) {
            server.stop();
        }
        subscriptions.close();
        outbounds.forEach(OutboundStream::close); // shared pollers
        batches.forEach(RoutedBatches::close); // after the server: every event a client was told was accepted goes
        idle.close();
    }
}
