package io.natrix.gateway;

import io.natrix.spi.Hop;
import io.natrix.spi.HopObserver;
import io.natrix.Natrix;
import io.natrix.RequestContext;
import io.natrix.ServiceException;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every HTTP request is a hop the connection's observers see, by route and status; fixed pages are served. */
class GatewayHopsTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String CARRIED = "00-0af7651916cd43dd8448eb211c80319c-00000000000000aa-01";

    @Test
    void requestsAreHopsByRouteAndStatusAndTheObserversContextReachesTheService() throws Exception {
        List<String> hops = new CopyOnWriteArrayList<>();
        try (Natrix natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect()) {
            natrix.observe(hop -> {
                if (hop.kind() != Hop.Kind.HTTP) {
                    return HopObserver.Scope.NONE;
                }
                return new HopObserver.Scope() {
                    @Override
                    public Map<String, String> headers() {
                        return Map.of(RequestContext.TRACEPARENT, CARRIED);
                    }

                    @Override
                    public void end(int code, String message) {
                        hops.add(hop.service() + " " + hop.name() + " " + code + (code == 200 || code == 404 || code == 405 ? "" : " " + message));
                    }
                };
            });
            natrix.service("users").endpoint("GetUser", Map.class, request -> {
                if ("missing".equals(request.get("id"))) {
                    throw new ServiceException(404, "no user missing");
                }
                return Map.of("traceparent", RequestContext.current().flatMap(c -> c.header(RequestContext.TRACEPARENT)).orElse("none"));
            }).start();
            try (Gateway gateway = Gateway.builder(natrix).port(0).heartbeat(java.time.Duration.ofMillis(200))
                    .route(Route.get("/v1/users/{id}", "ms.users.GetUser"))
                    .page("/hello", "text/html; charset=utf-8", "<h1>hello</h1>".getBytes(StandardCharsets.UTF_8))
                    .stream(StreamRoute.subscribe("/live", "ms.live"))
                    .start()) {
                String base = "http://127.0.0.1:" + gateway.port();

                HttpResponse<String> user = get(base + "/v1/users/42");
                HttpResponse<String> missing = get(base + "/v1/users/missing");
                HttpResponse<String> page = get(base + "/hello");
                HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/hello"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> nowhere = get(base + "/nowhere");

                assertThat(user.body()).contains(CARRIED);
                assertThat(missing.statusCode()).isEqualTo(404);
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
                assertThat(page.body()).isEqualTo("<h1>hello</h1>");
                assertThat(posted.statusCode()).isEqualTo(405);
                assertThat(nowhere.statusCode()).isEqualTo(404);
                await().until(() -> hops.size() == 5);
                assertThat(hops).containsExactly("gateway GET /v1/users/{id} 200", "gateway GET /v1/users/{id} 404",
                        "gateway GET /hello 200", "gateway unmatched 405", "gateway unmatched 404");

                // a stream whose client goes away ends as 499
                HttpResponse<java.io.InputStream> live = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/live"))
                        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
                natrix.publish("ms.live", Map.of("n", 1));
                live.body().read();
                live.body().close();
                await().atMost(java.time.Duration.ofSeconds(20)).until(() -> hops.size() == 6);
                assertThat(hops.getLast()).isEqualTo("gateway GET /live 499 the client went away");
            }
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
