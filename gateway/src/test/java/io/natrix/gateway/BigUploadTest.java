package io.natrix.gateway;

import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** 1 GiB through a gateway whose heap is 128 MiB: the body is streamed, never held. */
class BigUploadTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    static final long SIZE = 1024L * 1024 * 1024;

    @Test
    void aGibibyteRoundTripsThroughASmallHeapGatewayWithTheSameSha256() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process gateway = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                SmallHeapGateway.class.getName(), nats.url(), nats.seed().toString(), nats.ca().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String ready = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(ready).startsWith("port ");
            int port = Integer.parseInt(ready.split(" ")[1]);
            assertThat(Long.parseLong(ready.split(" ")[3])).isLessThanOrEqualTo(128L * 1024 * 1024);
            URI uri = URI.create("http://127.0.0.1:" + port + "/v1/uploads/big/one-gib.bin");
            HttpClient http = HttpClient.newHttpClient();

            long started = System.nanoTime();
            HttpResponse<String> stored = http.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> new RandomBytes(SIZE, 42)), SIZE)).build(),
                    HttpResponse.BodyHandlers.ofString());
            double uploadSeconds = (System.nanoTime() - started) / 1e9;
            assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
            assertThat(stored.body()).contains("\"size\":" + SIZE);

            started = System.nanoTime();
            HttpResponse<InputStream> back = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofInputStream());
            String downloaded = Sha256.of(back.body());
            double downloadSeconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("1 GiB through a -Xmx128m gateway: upload %.1f s (%.0f MiB/s), download %.1f s (%.0f MiB/s)%n",
                    uploadSeconds, 1024 / uploadSeconds, downloadSeconds, 1024 / downloadSeconds);
            assertThat(downloaded).isEqualTo(Sha256.of(new RandomBytes(SIZE, 42)));
            assertThat(gateway.isAlive()).as("no OutOfMemoryError killed the gateway").isTrue();
        } finally {
            gateway.getOutputStream().close();
            if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
    }
}
