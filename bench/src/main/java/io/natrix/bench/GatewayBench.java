package io.natrix.bench;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.natrix.Natrix;
import io.natrix.gateway.Gateway;
import io.natrix.gateway.Route;
import io.natrix.testkit.NatsServerProcess;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Duration duration = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 5);
        NatsServerProcess nats = NatsServerProcess.start(1, false).getFirst();
        Process responder = Bench.startResponder(nats.url());
        List<String> httpUsers = Arrays.stream(Bench.responderHttpPorts.split(","))
                .map(port -> "http://127.0.0.1:" + port).toList();
        Natrix natrix = Natrix.builder().servers(nats.url()).connectionName("bench-gateway").shutdownHook(false).connect();
        Gateway gateway = Gateway.builder(natrix).port(0).route(Route.get("/v1/users/{id}", "ms.users.GetUser")).start();
        WebServer httpGateway = httpGateway(httpUsers);
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("(a) gateway → NATS → users ×2", "http://127.0.0.1:" + gateway.port() + "/v1/users/42");
        urls.put("(b) gateway → HTTP → users ×2", "http://127.0.0.1:" + httpGateway.port() + "/v1/users/42");
        urls.put("(c) users HTTP server, direct", httpUsers.getFirst() + "/v1/users/42");
        Map<String, List<Wrk.Result>> results = new LinkedHashMap<>();
        try {
            System.out.printf("natrix bench gateway: %d round(s) of %d s per cell, wrk -t2, users services in another JVM%n",
                    rounds, duration.toSeconds());
            for (String url : urls.values()) {
                Wrk.run(url, 16, Duration.ofSeconds(2)); // warm-up
            }
            for (int round = 0; round < rounds; round++) {
                for (int connections : new int[]{16, 256}) {
                    List<String> names = new ArrayList<>(urls.keySet());
                    java.util.Collections.rotate(names, round);
                    for (String name : names) {
                        Wrk.Result r = Wrk.run(urls.get(name), connections, duration);
                        results.computeIfAbsent(name + "@" + connections, k -> new ArrayList<>()).add(r);
                        System.err.printf("  round %d %-32s %4d conns %,10.0f req/s p99 %.2f ms%n", round + 1, name,
                                connections, r.perSecond(), r.p99Millis());
                    }
                }
            }
            System.out.println();
            System.out.println("| path | connections | req/s | p50 ms | p99 ms | non-2xx | socket errors |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            for (int connections : new int[]{16, 256}) {
                for (String name : urls.keySet()) {
                    Wrk.Result r = median(results.get(name + "@" + connections));
                    System.out.printf("| %s | %d | %,.0f | %.2f | %.2f | %d | %d |%n", name, connections, r.perSecond(),
                            r.p50Millis(), r.p99Millis(), r.non2xx(), r.socketErrors());
                }
                double natsPath = median(results.get("(a) gateway → NATS → users ×2@" + connections)).perSecond();
                double http = median(results.get("(b) gateway → HTTP → users ×2@" + connections)).perSecond();
                System.out.printf("| NATS path ÷ HTTP path | %d | %.2f× | | | | |%n", connections, natsPath / http);
            }
        } finally {
            gateway.close();
            httpGateway.stop();
            natrix.close();
            Bench.stopResponder(responder);
            nats.stop();
        }
    }

    private static Wrk.Result median(List<Wrk.Result> cell) {
        List<Wrk.Result> sorted = cell.stream().sorted(Comparator.comparingDouble(Wrk.Result::perSecond)).toList();
        return sorted.get(sorted.size() / 2);
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
