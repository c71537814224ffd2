package io.natrix.bench;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.natrix.Natrix;
import io.natrix.NatrixException;
import io.natrix.testkit.NatsServerProcess;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * {@code ./natrix bench http-servers}: the gateway's candidate HTTP servers, side by side in one JVM, serving
 * the same route {@code GET /v1/users/{id}} → natrix call {@code ms.users.GetUser} → a users service in
 * another JVM, each request on a virtual thread. wrk drives one server at a time, alternating.
 */
public final class HttpServerChoice {

    private HttpServerChoice() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Duration duration = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 5);
        NatsServerProcess nats = NatsServerProcess.start(1, false).getFirst();
        Process responder = Bench.startResponder(nats.url());
        Natrix natrix = Natrix.builder().servers(nats.url()).connectionName("http-choice").shutdownHook(false).connect();
        WebServer helidon = helidon(natrix);
        Server jetty = jetty(natrix);
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("Helidon 4.5.0 SE", "http://127.0.0.1:" + helidon.port() + "/v1/users/42");
        urls.put("Jetty 12.1.14 (virtual threads)", "http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort() + "/v1/users/42");
        Map<String, List<Wrk.Result>> results = new LinkedHashMap<>();
        try {
            System.out.printf("natrix bench http-servers: %d round(s) of %d s per cell, wrk -t2, users service in another JVM%n",
                    rounds, duration.toSeconds());
            for (String url : urls.values()) {
                Wrk.run(url, 16, Duration.ofSeconds(2)); // warm-up
            }
            for (int round = 0; round < rounds; round++) {
                for (int connections : new int[]{16, 256}) {
                    List<String> names = new ArrayList<>(urls.keySet());
                    if (round % 2 == 1) {
                        names = names.reversed();
                    }
                    for (String name : names) {
                        Wrk.Result r = Wrk.run(urls.get(name), connections, duration);
                        results.computeIfAbsent(name + "@" + connections, k -> new ArrayList<>()).add(r);
                        System.err.printf("  round %d %-32s %4d conns %,10.0f req/s p99 %.2f ms%n", round + 1, name,
                                connections, r.perSecond(), r.p99Millis());
                    }
                }
            }
            System.out.println();
            System.out.println("| server | connections | req/s | p50 ms | p99 ms | non-2xx | socket errors |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            for (int connections : new int[]{16, 256}) {
                for (String name : urls.keySet()) {
                    List<Wrk.Result> cell = new ArrayList<>(results.get(name + "@" + connections));
                    cell.sort(java.util.Comparator.comparingDouble(Wrk.Result::perSecond));
                    Wrk.Result r = cell.get(cell.size() / 2);
                    System.out.printf("| %s | %d | %,.0f | %.2f | %.2f | %d | %d |%n", name, connections, r.perSecond(),
                            r.p50Millis(), r.p99Millis(), r.non2xx(), r.socketErrors());
                }
            }
        } finally {
            helidon.stop();
            jetty.stop();
            natrix.close();
            Bench.stopResponder(responder);
            nats.stop();
        }
    }

    private static byte[] getUser(Natrix natrix, String id) {
        return natrix.call("ms.users.GetUser", new Responder.GetUser(id), byte[].class, Duration.ofSeconds(5));
    }

    private static WebServer helidon(Natrix natrix) {
        return WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .routing(routing -> routing.get("/v1/users/{id}", (request, response) -> {
                    try {
                        byte[] user = getUser(natrix, request.path().pathParameters().get("id"));
                        response.header(HeaderNames.CONTENT_TYPE, "application/json");
                        response.send(user);
                    } catch (NatrixException e) {
                        response.status(503).send(e.getMessage());
                    }
                }))
                .build()
                .start();
    }

    private static Server jetty(Natrix natrix) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = Request.getPathInContext(request);
                if (!path.startsWith("/v1/users/")) {
                    return false;
                }
                try {
                    byte[] user = getUser(natrix, path.substring("/v1/users/".length()));
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    response.write(true, ByteBuffer.wrap(user), callback);
                } catch (NatrixException e) {
                    Response.writeError(request, response, callback, 503, e.getMessage());
                }
                return true;
            }
        });
        server.start();
        return server;
    }
}
