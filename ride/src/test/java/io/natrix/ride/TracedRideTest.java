package io.natrix.ride;

import io.natrix.ride.eta.EtaApi;
import io.natrix.ride.geo.GeoApi;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.Natrix;
import io.natrix.gateway.Gateway;
import io.natrix.ride.api.RideApi;
import io.natrix.ride.dispatch.Dispatch;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.ride.eta.EtaService;
import io.natrix.ride.geo.GeoIndex;
import io.natrix.ride.geo.GeoMessages.NearbyDrivers;
import io.natrix.ride.geo.GeoMessages.NearbyRequest;
import io.natrix.ride.geo.GeoService;
import io.natrix.ride.users.UsersService;
import io.natrix.testkit.NatsServerExtension;
import io.natrix.tracing.NatrixTracing;
import io.natrix.tracing.SpanRecord;
import io.natrix.tracing.TraceSummary;
import io.natrix.tracing.TraceTree;
import io.natrix.tracing.Traces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One rider request followed through gateway → dispatch → geo → eta: each service in its own connection with
 * its own tracer, as in the demo's processes; the trace is read back over NATS, as the CLI reads it.
 */
class TracedRideTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CLIENT_SPAN = "00f067aa0ba902b7";

    @Test
    void oneRideRequestIsOneTraceWithTheRightParentsAcrossEveryHop() throws Exception {
        List<AutoCloseable> open = new ArrayList<>();
        try {
            Provision.storage(nats, 1);
            Natrix users = traced("users", open);
            Natrix geo = traced("geo", open);
            Natrix eta = traced("eta", open);
            Natrix dispatch = traced("dispatch", open);
            Natrix edge = traced("gateway", open);
            Natrix plain = connect(open);
            open.add(UsersService.start(users));
            open.add(GeoService.start(geo, new GeoIndex(Duration.ofSeconds(30), System::currentTimeMillis)));
            open.add(EtaService.startQuick(eta));
            open.add(EtaService.startCareful(eta, Duration.ofMillis(20)));
            open.add(Dispatch.start(dispatch, DispatchConfig.defaults()));
            Gateway gateway = RideApi.routes(Gateway.builder(edge).port(0)).start();
            open.add(gateway);
            String base = "http://127.0.0.1:" + gateway.port();

            String riderId = post(base + "/v1/riders", "{\"name\":\"Ada\",\"phone\":\"+972 50 000 0001\"}", null).get("id").asText();
            String driverId = post(base + "/v1/drivers", "{\"name\":\"Dov\",\"phone\":\"+972 50 000 0002\"}", null).get("id").asText();
            WebSocket locations = HTTP.newWebSocketBuilder().buildAsync(
                    URI.create("ws://127.0.0.1:" + gateway.port() + "/v1/drivers/" + driverId + "/locations"),
                    new WebSocket.Listener() { }).get(5, TimeUnit.SECONDS);
            locations.sendText("{\"lat\":32.0860,\"lng\":34.7825}", true).get();
            post(base + "/v1/drivers/" + driverId + "/availability", "{\"available\":true}", null);
            await().atMost(Duration.ofSeconds(10)).until(() -> !plain.call(GeoApi.NEARBY,
                    new NearbyRequest(32.0853, 34.7818, 2_000, 10), NearbyDrivers.class, Duration.ofSeconds(1)).drivers().isEmpty());

            post(base + "/v1/rides", "{\"riderId\":\"" + riderId + "\",\"lat\":32.0853,\"lng\":34.7818}",
                    "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01");

            List<SpanRecord> spans = await().atMost(Duration.ofSeconds(10)).until(
                    () -> Traces.fetch(plain.nats(), TRACE_ID, Duration.ofMillis(300)),
                    found -> found.stream().filter(span -> span.hop().equals("SERVE") && span.subject().startsWith("ms.eta.")).count() == 2);
            String tree = TraceTree.render(spans);

            assertThat(spans).as(tree).allMatch(span -> span.traceId().equals(TRACE_ID));
            SpanRecord http = only(spans, span -> span.hop().equals("HTTP"), tree);
            assertThat(http.name()).isEqualTo("POST /v1/rides");
            assertThat(http.parentSpanId()).as("continues the client's traceparent").isEqualTo(CLIENT_SPAN);
            assertThat(http.service()).isEqualTo("gateway");
            assertThat(http.code()).isEqualTo(200);
            SpanRecord callDispatch = child(spans, http, "CALL", "ms.dispatch.RequestRide", tree);
            SpanRecord serveDispatch = child(spans, callDispatch, "SERVE", "ms.dispatch.RequestRide", tree);
            assertThat(serveDispatch.service()).isEqualTo("dispatch");
            assertThat(serveDispatch.instance()).isNotEmpty();
            SpanRecord callGeo = child(spans, serveDispatch, "CALL", GeoApi.NEARBY, tree);
            assertThat(callGeo.service()).as("the caller's process").isEqualTo("dispatch");
            assertThat(child(spans, callGeo, "SERVE", GeoApi.NEARBY, tree).service()).isEqualTo("geo");
            SpanRecord callEta = child(spans, serveDispatch, "CALL", EtaApi.CAREFUL + "|" + EtaApi.QUICK, tree);
            assertThat(child(spans, callEta, "SERVE", EtaApi.QUICK, tree).service()).isEqualTo("eta-quick");
            assertThat(child(spans, callEta, "SERVE", EtaApi.CAREFUL, tree).durationMicros())
                    .as("the careful estimator's 20 ms").isGreaterThanOrEqualTo(20_000);
            assertThat(spans).as(tree).noneMatch(SpanRecord::failed);
            assertThat(tree).contains("POST /v1/rides", "ms.geo.Nearby", "ms.eta.Careful", "most time of its own");

            List<TraceSummary> recent = Traces.recent(plain.nats(), Duration.ofMillis(300), 50);
            assertThat(recent).anySatisfy(summary -> {
                assertThat(summary.traceId()).isEqualTo(TRACE_ID);
                assertThat(summary.root()).isEqualTo("POST /v1/rides");
                assertThat(summary.spans()).isGreaterThanOrEqualTo(spans.size());
            });
            locations.sendClose(WebSocket.NORMAL_CLOSURE, "shift over").get(5, TimeUnit.SECONDS);
        } finally {
            for (AutoCloseable part : open.reversed()) {
                part.close();
            }
        }
    }

    private static Natrix connect(List<AutoCloseable> open) {
        Natrix natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).drainTimeout(Duration.ofSeconds(1)).connect();
        open.add(natrix);
        return natrix;
    }

    private static Natrix traced(String service, List<AutoCloseable> open) {
        Natrix natrix = connect(open);
        open.add(NatrixTracing.builder(natrix).serviceName(service).install());
        return natrix;
    }

    private static SpanRecord child(List<SpanRecord> spans, SpanRecord parent, String hop, String subject, String tree) {
        return only(spans, span -> span.parentSpanId().equals(parent.spanId()) && span.hop().equals(hop)
                && span.subject().equals(subject), tree);
    }

    private static SpanRecord only(List<SpanRecord> spans, Predicate<SpanRecord> which, String tree) {
        List<SpanRecord> found = spans.stream().filter(which).toList();
        assertThat(found).as("one such span in\n" + tree).hasSize(1);
        return found.getFirst();
    }

    static JsonNode post(String url, String body, String traceparent) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + " → " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
