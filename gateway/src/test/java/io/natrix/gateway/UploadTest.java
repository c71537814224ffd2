package io.natrix.gateway;

import io.nats.client.api.StreamInfo;
import io.natrix.Natrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Uploads stream into a JetStream object store and back; a broken upload leaves nothing behind. */
class UploadTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single().withJetStream();

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Natrix natrix;
    static Gateway gateway;

    @BeforeAll
    static void start() {
        natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
        gateway = Gateway.builder(natrix).port(0).uploads("/v1/uploads/{bucket}/{name}", "photos")
                .maxUploadBytes(20 * 1024 * 1024).start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        natrix.close();
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    @Test
    void anUploadComesBackWithTheSameSha256() throws Exception {
        long size = 5 * 1024 * 1024 + 123;
        HttpResponse<String> stored = HTTP.send(HttpRequest.newBuilder(uri("/v1/uploads/photos/cat.jpg"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new RandomBytes(size, 7))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        assertThat(stored.body()).contains("\"size\":" + size).contains("\"name\":\"cat.jpg\"");

        HttpResponse<java.io.InputStream> back = HTTP.send(HttpRequest.newBuilder(uri("/v1/uploads/photos/cat.jpg")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(back.headers().firstValueAsLong("Content-Length")).hasValue(size);
        assertThat(Sha256.of(back.body())).isEqualTo(Sha256.of(new RandomBytes(size, 7)));
    }

    @Test
    void missingObjectsAndUnknownBucketsAre404() throws Exception {
        HttpResponse<String> missing = HTTP.send(HttpRequest.newBuilder(uri("/v1/uploads/photos/nothing.png")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("no object 'nothing.png'");
        HttpResponse<String> bucket = HTTP.send(HttpRequest.newBuilder(uri("/v1/uploads/secrets/x"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bucket.statusCode()).isEqualTo(404);
        assertThat(bucket.body()).contains("no bucket 'secrets'");
    }

    @Test
    void anUploadOverTheLimitIs413AndStoresNothing() throws Exception {
        HttpResponse<String> declared = HTTP.send(HttpRequest.newBuilder(uri("/v1/uploads/photos/huge.bin"))
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new RandomBytes(21 * 1024 * 1024, 1)), 21 * 1024 * 1024))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(declared.statusCode()).isEqualTo(413);
        HttpResponse<String> chunked = HTTP.send(HttpRequest.newBuilder(uri("/v1/uploads/photos/huge2.bin"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new RandomBytes(21 * 1024 * 1024, 1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(chunked.body()).contains("nothing was stored");
        assertThat(natrix.nats().objectStore("photos").getInfo("huge2.bin")).isNull();
    }

    @Test
    void aClientThatDisconnectsMidUploadLeavesNoObjectAndNoChunks() throws Exception {
        long before = chunkMessages();
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/uploads/photos/partial.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[64 * 1024];
            for (int i = 0; i < 48; i++) { // 3 MiB of the promised 10 MB
                out.write(block);
            }
            out.flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> chunkMessages() > before);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> chunkMessages() == before);
        assertThat(natrix.nats().objectStore("photos").getInfo("partial.bin")).isNull();
    }

    private static long chunkMessages() throws Exception {
        StreamInfo info = natrix.nats().jetStreamManagement().getStreamInfo("OBJ_photos");
        return info.getStreamState().getMsgCount();
    }
}
