package io.natrix.bench;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.natrix.Natrix;
import io.natrix.Actor;
import io.natrix.gateway.Access;
import io.natrix.gateway.Gateway;
import io.natrix.gateway.Limits;
import io.natrix.gateway.Route;
import io.natrix.testkit.NatsServerProcess;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./natrix bench gateway}: {@code GET /v1/users/{id}} three ways, wrk against each in turn:
 * (a) the natrix gateway → NATS → two users instances; (b) the talk's "Microservices - HTTP": a gateway on the
 * same HTTP server calling the same users handler over HTTP, round robin over its two instances; (c) one users
 * HTTP server called directly. The users services run in another JVM.
 */
final class GatewayBench {

    private GatewayBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Rounds.requireOdd(args.length > 1 ? Integer.parseInt(args[1]) : 3);
        Duration duration = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 5);
        NatsServerProcess nats = NatsServerProcess.start(1, false).getFirst();
        ResponderProcess responder = ResponderProcess.start(nats.url());
        List<String> httpUsers = responder.httpPorts().stream().map(port -> "http://127.0.0.1:" + port).toList();
        Natrix natrix = Natrix.builder().servers(nats.url()).connectionName("bench-gateway").shutdownHook(false).connect();
        Gateway gateway = Gateway.builder(natrix).port(0).route(Route.get("/v1/users/{id}", "ms.users.GetUser")).start();
        // the same route behind a token: verified once, then a cache lookup, with the guard's checks on every
        // request; the limits raised out of reach, so the cost of counting is measured and not its refusals
        RunTokens tokens = RunTokens.make();
        String token = tokens.issuer().issue(new Actor("RIDER", "bench"), Duration.ofHours(1)).value();
        Gateway secured = Gateway.builder(natrix).port(0).authentication(tokens.verifier())
                .limits(Limits.defaults().requests(1e9, 1_000_000_000))
                .route(Route.get("/v1/users/{id}", "ms.users.GetUser").access(Access.roles("RIDER"))).start();
        WebServer httpGateway = httpGateway(httpUsers);
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("(a) gateway → NATS → users ×2", "http://127.0.0.1:" + gateway.port() + "/v1/users/42");
        urls.put("(a') the same, with a bearer token", "http://127.0.0.1:" + secured.port() + "/v1/users/42");
        urls.put("(b) gateway → HTTP → users ×2", "http://127.0.0.1:" + httpGateway.port() + "/v1/users/42");
        urls.put("(c) users HTTP server, direct", httpUsers.getFirst() + "/v1/users/42");
        try {
            System.out.printf("natrix bench gateway: %d round(s) of %d s per cell, wrk -t2, users services in another JVM%n",
                    rounds, duration.toSeconds());
            WrkRounds matrix = WrkRounds.run(urls, Map.of("(a') the same, with a bearer token",
                    List.of("Authorization: Bearer " + token)), rounds, duration);
            matrix.print("path", connections -> {
                System.out.printf("| NATS path ÷ HTTP path | %d | %s | | | | |%n", connections,
                        matrix.ratio("(a) gateway → NATS → users ×2", "(b) gateway → HTTP → users ×2", connections));
                System.out.printf("| with a token ÷ without | %d | %s | | | | |%n", connections,
                        matrix.ratio("(a') the same, with a bearer token", "(a) gateway → NATS → users ×2", connections));
            });
        } finally {
            secured.close();
            gateway.close();
            httpGateway.stop();
            natrix.close();
            responder.close();
            nats.stop();
        }
    }

    /** The HTTP path: same server, a blocking JDK HttpClient call per request, round robin over the instances. */
    private static WebServer httpGateway(List<String> instances) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicLong next = new AtomicLong();
        return WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing.get("/v1/users/{id}", (request, response) -> {
                    String instance = instances.get((int) (next.getAndIncrement() % instances.size()));
                    HttpResponse<byte[]> user = client.send(HttpRequest.newBuilder(
                                    URI.create(instance + "/v1/users/" + request.path().pathParameters().get("id")))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
                    response.status(user.statusCode());
                    response.header(HeaderNames.CONTENT_TYPE, "application/json");
                    response.send(user.body());
                }))
                .build().start();
    }
}
