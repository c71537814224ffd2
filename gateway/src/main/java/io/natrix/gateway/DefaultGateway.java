package io.natrix.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import io.nats.client.Connection;
import io.natrix.Natrix;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The Helidon server behind a {@link Gateway}: health endpoints, then every REST route. */
final class DefaultGateway implements Gateway {

    private final WebServer server;

    private DefaultGateway(WebServer server) {
        this.server = server;
    }

    static Gateway start(Gateway.Builder builder) {
        ObjectMapper json = new ObjectMapper();
        Responses responses = new Responses(json);
        Natrix natrix = builder.natrix;
        RestHandler rest = new RestHandler(natrix, new Router(List.copyOf(builder.routes)), builder.defaultTimeout,
                builder.maxBodyBytes, json, responses);
        WebServer server = WebServer.builder()
                .host(builder.host)
                .port(builder.port)
                .shutdownGracePeriod(Duration.ofSeconds(10))
                .routing(routing -> routing
                        .get("/health/live", (request, response) -> responses.send(response, 200, Map.of("status", "UP")))
                        .get("/health/ready", (request, response) -> {
                            Connection.Status nats = natrix.nats().getStatus();
                            boolean ready = nats == Connection.Status.CONNECTED;
                            responses.send(response, ready ? 200 : 503,
                                    Map.of("status", ready ? "UP" : "DOWN", "nats", nats.name()));
                        })
                        .any(rest))
                .build()
                .start();
        return new DefaultGateway(server);
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        if (server.isRunning()) {
            server.stop();
        }
    }
}
