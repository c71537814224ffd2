package io.natrix.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.natrix.Natrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drivers that prefer WebSocket push their locations the same way: one JSON event per message, on the gateway's
 * port (Helidon, a thread per socket) and on its ingest port (an event loop) alike.
 */
class WebSocketIngestTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    static final ObjectMapper JSON = new ObjectMapper();

    /** A connection to this class's server, as its admin. */
    private static Natrix connect() {
        return Natrix.builder().servers(nats.url()).credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "ingest"})
    void eachMessageIsPublishedAsItArrivesAndABadOneIsAnsweredOnTheSocket(String which) throws Exception {
        try (Natrix natrix = connect();
             Gateway gateway = Gateway.builder(natrix).port(0).maxLineBytes(256).ingestPort(0)
                     .stream(StreamRoute.publish("/v1/drivers/{driverId}/locations", "ms.geo.UpdatePoint")).start()) {
            int port = which.equals("gateway") ? gateway.port() : gateway.ingestPort().orElseThrow();
            Subscription points = natrix.nats().subscribe("ms.geo.UpdatePoint");
            natrix.nats().flush(Duration.ofSeconds(1));
            LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();
            WebSocket socket = open("ws://127.0.0.1:" + port + "/v1/drivers/d5/locations", answers);
            await().until(() -> ((DefaultGateway) gateway).openStreams() == 1);

            socket.sendText("{\"seq\":1,\"lat\":32.1}", true).get();
            Message first = points.nextMessage(Duration.ofSeconds(2));
            assertThat(first).as("published before the next message is sent").isNotNull();
            socket.sendText("{\"seq\": ", true).get();
            socket.sendText("{\"pad\":\"" + "x".repeat(300) + "\"}", true).get();
            socket.sendText("{\"seq\":", false).get();
            socket.sendText("2}", true).get(); // one event in two fragments

            JsonNode firstEvent = JSON.readTree(first.getData());
            JsonNode secondEvent = JSON.readTree(points.nextMessage(Duration.ofSeconds(2)).getData());
            assertThat(firstEvent.get("seq").asInt()).isEqualTo(1);
            assertThat(firstEvent.get("driverId").asText()).isEqualTo("d5");
            assertThat(secondEvent.get("seq").asInt()).isEqualTo(2);
            JsonNode malformed = JSON.readTree(answers.poll(2, TimeUnit.SECONDS));
            JsonNode tooLong = JSON.readTree(answers.poll(2, TimeUnit.SECONDS));
            assertThat(malformed.get("rejected").asInt()).isEqualTo(2);
            assertThat(malformed.get("reason").asText()).isEqualTo("not valid JSON");
            assertThat(tooLong.get("rejected").asInt()).isEqualTo(3);
            assertThat(tooLong.get("reason").asText()).isEqualTo("over 256 bytes");
            assertThat(answers).isEmpty();

            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            await().until(() -> ((DefaultGateway) gateway).openStreams() == 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "ingest"})
    void aTwoWaySocketDeliversItsOwnSubjectsMessagesBesideItsRejections(String which) throws Exception {
        try (Natrix natrix = connect();
             Gateway gateway = Gateway.builder(natrix).port(0).ingestPort(0).stream(StreamRoute.publish(LOCATIONS, "ms.geo.UpdatePoint")
                     .deliversOnWebSocket("ms.drivers.{driverId}.offers")).start()) {
            int port = which.equals("gateway") ? gateway.port() : gateway.ingestPort().orElseThrow();
            LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
            WebSocket socket = open("ws://127.0.0.1:" + port + "/v1/drivers/d7/locations", received);
            assertThat(((DefaultGateway) gateway).streamSubscriptions()).as("subscribed before the upgrade was answered").isEqualTo(1);
            // published as soon as the socket is open, with no wait: nothing sent after the upgrade is missed
            natrix.nats().publish("ms.drivers.d7.offers", "{\"rideId\":\"r1\"}".getBytes(StandardCharsets.UTF_8));
            natrix.nats().publish("ms.drivers.d8.offers", "{\"rideId\":\"not d7's\"}".getBytes(StandardCharsets.UTF_8));
            socket.sendText("not json", true).get();
            natrix.nats().publish("ms.drivers.d7.offers", "{\"rideId\":\"r2\"}".getBytes(StandardCharsets.UTF_8));

            List<JsonNode> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String next = received.poll(5, TimeUnit.SECONDS);
                assertThat(next).as("message " + (i + 1) + " of 3").isNotNull();
                seen.add(JSON.readTree(next));
            }
            assertThat(seen).filteredOn(m -> m.has("rideId")).extracting(m -> m.get("rideId").asText())
                    .as("its own offers, in order").containsExactly("r1", "r2");
            assertThat(seen).filteredOn(m -> m.has("rejected")).singleElement()
                    .satisfies(rejection -> assertThat(rejection.get("reason").asText()).isEqualTo("not valid JSON"));
            assertThat(received.poll(300, TimeUnit.MILLISECONDS)).as("nothing of another driver's").isNull();

            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            await().until(() -> ((DefaultGateway) gateway).openStreams() == 0);
            await().until(() -> ((DefaultGateway) gateway).streamSubscriptions() == 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "ingest"})
    void aClientThatReadsNoneOfItsDeliveriesIsToldAndClosedOnceItFallsTooFarBehind(String which) throws Exception {
        try (Natrix natrix = connect();
             Gateway gateway = Gateway.builder(natrix).port(0).ingestPort(0).stream(StreamRoute.publish(LOCATIONS, "ms.geo.UpdatePoint")
                     .deliversOnWebSocket("ms.drivers.{driverId}.offers")).start();
             Socket socket = new Socket("127.0.0.1", which.equals("gateway") ? gateway.port() : gateway.ingestPort().orElseThrow())) {
            socket.getOutputStream().write(("GET /v1/drivers/d9/locations HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            await().until(() -> ((DefaultGateway) gateway).streamSubscriptions() == 1);
            // far more than the gateway keeps and the kernel's buffers hold: the client reads nothing meanwhile
            byte[] big = ("{\"pad\":\"" + "x".repeat(32_000) + "\"}").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 1_000; i++) {
                natrix.nats().publish("ms.drivers.d9.offers", big);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> ((DefaultGateway) gateway).fellBehind() == 1);
            socket.setSoTimeout(30_000);

            // now it reads: what was written, then the reason, then a close frame with 1013
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
            while (in.readByte() != '\r' || in.readByte() != '\n' || in.readByte() != '\r' || in.readByte() != '\n') {
                // the upgrade's answer
            }
            int texts = 0;
            String lastText = null;
            while (true) {
                int opcode = in.readUnsignedByte() & 0x0f;
                int length = in.readUnsignedByte() & 0x7f; // a server's frames are not masked
                long size = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
                byte[] payload = in.readNBytes((int) size);
                if (opcode == 0x8) {
                    assertThat(((payload[0] & 0xff) << 8) | (payload[1] & 0xff)).as("the close status").isEqualTo(1013);
                    break;
                }
                texts++;
                lastText = new String(payload, StandardCharsets.UTF_8);
            }
            assertThat(lastText).isEqualTo("{\"error\":{\"status\":503,\"message\":\"this client fell 256 messages behind; reconnect\"}}");
            assertThat(texts - 1).as("deliveries written before the end").isLessThan(1_000);
            socket.close();
            await().until(() -> ((DefaultGateway) gateway).openStreams() == 0);
            await().until(() -> ((DefaultGateway) gateway).streamSubscriptions() == 0);
        }
    }

    static final String LOCATIONS = "/v1/drivers/{driverId}/locations";

    /** A WebSocket whose every text message goes to {@code received}. */
    static WebSocket open(String uri, LinkedBlockingQueue<String> received) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(uri), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                received.add(data.toString());
                webSocket.request(1);
                return null;
            }
        }).get(5, TimeUnit.SECONDS);
    }
}
