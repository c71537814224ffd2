package io.natrix.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.natrix.EndpointStats;
import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.ServiceException;
import io.natrix.ServiceInstance;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

/** A real service on a real nats-server, scraped over HTTP: the numbers are the ones $SRV.STATS gives. */
class NatrixMetricsTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    record GetUser(String id) {
    }

    record User(String id, String name) {
    }

    record Point(String driverId) {
    }

    static Natrix natrix;
    static Service users;
    static MetricsServer server;
    static final AtomicInteger heard = new AtomicInteger();
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).connectionName("metrics-test").shutdownHook(false).connect();
        users = natrix.service("users").version("1.0.0")
                .endpoint("GetUser", GetUser.class, request -> {
                    if (request.id().equals("missing")) {
                        throw new ServiceException(404, "no user 'missing'");
                    }
                    return new User(request.id(), "Ada");
                })
                .endpoint("Rate", GetUser.class, request -> {
                    sleep(Duration.ofMillis(20));
                    if (request.id().startsWith("bad")) {
                        throw new ServiceException(request.id().equals("bad-409") ? 409 : 503, "refused " + request.id());
                    }
                    return new User(request.id(), "Rated");
                })
                .broadcastListener("ms.geo.UpdatePoint", Point.class, point -> heard.incrementAndGet())
                .start();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        NatrixMetrics.bind(natrix, registry); // the connection and every service started on it: users
        NatrixMetrics.bindJvm(registry);
        server = MetricsServer.start(registry, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
        natrix.close();
    }

    @Test
    void endpointAndListenerCountersAreTheOnesTheServicesApiReports() throws Exception {
        for (int i = 0; i < 3; i++) {
            natrix.call("ms.users.GetUser", new GetUser("42"), User.class, Duration.ofSeconds(5));
        }
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> natrix.call("ms.users.GetUser", new GetUser("missing"), User.class, Duration.ofSeconds(5)))
                    .isInstanceOf(ServiceException.class);
        }
        for (int i = 0; i < 4; i++) {
            natrix.publish("ms.geo.UpdatePoint", new Point("driver-" + i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> heard.get() == 4);

        String scraped = scrape();
        EndpointStats stats = natrix.discover(Duration.ofMillis(500)).stream()
                .filter(instance -> instance.id().equals(users.id())).map(ServiceInstance::endpoints)
                .findFirst().orElseThrow().stream().filter(e -> e.name().equals("GetUser")).findFirst().orElseThrow();
        Map<String, String> endpoint = Map.of("service", "users", "endpoint", "GetUser");

        assertThat(value(scraped, "natrix_endpoint_requests_total", endpoint)).isEqualTo(stats.requests()).isEqualTo(5);
        assertThat(value(scraped, "natrix_endpoint_errors_total", endpoint)).isEqualTo(stats.errors()).isEqualTo(2);
        assertThat(value(scraped, "natrix_endpoint_overloaded_total", endpoint)).isZero();
        assertThat(value(scraped, "natrix_endpoint_in_flight", endpoint)).isZero();
        assertThat(value(scraped, "natrix_endpoint_processing_seconds_total", endpoint)).isPositive()
                .isEqualTo(stats.processingTime().toNanos() / 1e9, offset(0.01));
        assertThat(value(scraped, "natrix_listener_events_total", Map.of("subject", "ms.geo.UpdatePoint"))).isEqualTo(4);
        assertThat(value(scraped, "natrix_listener_dropped_total", Map.of("subject", "ms.geo.UpdatePoint"))).isZero();
    }

    @Test
    void everyEndpointHasALatencyTimerWithPercentilesAndErrorsByCode() throws Exception {
        for (int i = 0; i < 6; i++) {
            natrix.call("ms.users.Rate", new GetUser("u-" + i), User.class, Duration.ofSeconds(5));
        }
        for (String bad : new String[] {"bad-409", "bad-503", "bad-503"}) {
            assertThatThrownBy(() -> natrix.call("ms.users.Rate", new GetUser(bad), User.class, Duration.ofSeconds(5)))
                    .isInstanceOf(ServiceException.class);
        }

        String scraped = scrape();
        Map<String, String> ok = Map.of("endpoint", "Rate", "outcome", "ok");
        assertThat(value(scraped, "natrix_endpoint_latency_seconds_count", ok)).isEqualTo(6);
        assertThat(value(scraped, "natrix_endpoint_latency_seconds_count", Map.of("endpoint", "Rate", "outcome", "error"))).isEqualTo(3);
        assertThat(value(scraped, "natrix_endpoint_latency_seconds", Map.of("endpoint", "Rate", "outcome", "ok", "quantile", "0.5")))
                .as("p50 of a 20 ms handler").isBetween(0.019, 1.0);
        assertThat(value(scraped, "natrix_endpoint_latency_seconds", Map.of("endpoint", "Rate", "outcome", "ok", "quantile", "0.99")))
                .isGreaterThanOrEqualTo(0.019);
        assertThat(value(scraped, "natrix_endpoint_errors_by_code_total", Map.of("endpoint", "Rate", "code", "409"))).isEqualTo(1);
        assertThat(value(scraped, "natrix_endpoint_errors_by_code_total", Map.of("endpoint", "Rate", "code", "503"))).isEqualTo(2);
        assertThat(value(scraped, "natrix_call_latency_seconds_count", Map.of("subject", "ms.users.Rate", "outcome", "ok"))).isEqualTo(6);
        assertThat(value(scraped, "natrix_endpoint_errors_total", Map.of("endpoint", "Rate")))
                .as("errors by code add up to the $SRV.STATS errors").isEqualTo(3);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theConnectionAndTheJvmAreThereToo() throws Exception {
        String scraped = scrape();

        assertThat(value(scraped, "natrix_nats_connected", Map.of("connection", "metrics-test"))).isEqualTo(1);
        assertThat(value(scraped, "natrix_nats_reconnects_total", Map.of("connection", "metrics-test"))).isZero();
        assertThat(value(scraped, "natrix_nats_messages_out_total", Map.of("connection", "metrics-test"))).isPositive();
        assertThat(value(scraped, "natrix_nats_permission_violations_total", Map.of("connection", "metrics-test"))).isZero();
        assertThat(scraped).contains("jvm_memory_used_bytes", "jvm_threads_live_threads",
                "natrix_jvm_virtual_threads_mounted", "natrix_jvm_virtual_scheduler_parallelism", "process_cpu_usage");
        assertThat(value(scraped, "natrix_jvm_virtual_scheduler_parallelism", Map.of())).isPositive();
        // the collector's pauses show from its first collection on, which a young test JVM may not have had yet
        System.gc();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(scrape()).contains("jvm_gc_pause_seconds"));
    }

    @Test
    void onlyGetOnSlashMetricsIsServed() throws Exception {
        HttpResponse<String> elsewhere = http.send(HttpRequest.newBuilder(uri("/other")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(elsewhere.body()).contains("/metrics");
        assertThat(posted.statusCode()).isEqualTo(405);
        assertThat(posted.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void aTakenPortIsRefusedWithWhatToDo() {
        assertThatThrownBy(() -> MetricsServer.start(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "127.0.0.1", server.port()))
                .hasMessageContaining(String.valueOf(server.port())).hasMessageContaining("choose another");
    }

    private static String scrape() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        return response.body();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** The value of the one sample of {@code metric} whose labels include {@code labels}. */
    private static double value(String scraped, String metric, Map<String, String> labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(scraped);
        Double found = null;
        while (m.find()) {
            String labelText = m.group(1) == null ? "" : m.group(1);
            if (labels.entrySet().stream().allMatch(l -> labelText.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
                assertThat(found).as("one sample of " + metric + " with " + labels).isNull();
                found = Double.parseDouble(m.group(2));
            }
        }
        assertThat(found).as(metric + " with " + labels + " in:\n" + scraped).isNotNull();
        return found;
    }
}
