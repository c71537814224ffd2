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
import java.util.LinkedHashMap;
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
        int rounds = Rounds.requireOdd(args.length > 1 ? Integer.parseInt(args[1]) : 3);
        Duration duration = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 5);
        NatsServerProcess nats = NatsServerProcess.start(1, false).getFirst();
        ResponderProcess responder = ResponderProcess.start(nats.url());
        Natrix natrix = Natrix.builder().servers(nats.url()).connectionName("http-choice").shutdownHook(false).connect();
        WebServer helidon = helidon(natrix);
        Server jetty = jetty(natrix);
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("Helidon 4.5.0 SE", "http://127.0.0.1:" + helidon.port() + "/v1/users/42");
        urls.put("Jetty 12.1.14 (virtual threads)", "http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort() + "/v1/users/42");
        try {
            System.out.printf("natrix bench http-servers: %d round(s) of %d s per cell, wrk -t2, users service in another JVM%n",
                    rounds, duration.toSeconds());
            WrkRounds.run(urls, rounds, duration).print("server", connections -> { });
        } finally {
            helidon.stop();
            jetty.stop();
            natrix.close();
            responder.close();
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
