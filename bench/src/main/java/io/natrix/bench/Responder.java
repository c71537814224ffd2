package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.natrix.Natrix;

/**
 * The responding process: the same echo as a natrix service (raw bytes and JSON) and as a raw jnats
 * dispatcher that replies on its own thread, the floor every client stack pays.
 */
public final class Responder {

    /** The JSON payload of the typed echo. */
    public record Payload(String text) { }

    /** The gateway benchmarks' request and reply. */
    public record GetUser(String id) { }

    public record User(String id, String name, String email) { }

    static final String NATRIX_BYTES = "ms.bench.Echo";
    static final String NATRIX_JSON = "ms.bench.EchoJson";
    static final String RAW = "raw.bench.echo";

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Natrix natrix = Natrix.builder().servers(url).connectionName("bench-responder").connect();
        natrix.service("bench").version("1.0.0")
                .endpoint("Echo", byte[].class, bytes -> bytes)
                .endpoint("EchoJson", Payload.class, payload -> payload)
                .start();
        natrix.service("users").version("1.0.0")
                .endpoint("GetUser", GetUser.class, request -> new User(request.id(), "Ada Lovelace", "ada@example.com"))
                .start();
        Connection raw = Nats.connect(url);
        raw.createDispatcher(message -> raw.publish(message.getReplyTo(), message.getData()))
                .subscribe(RAW, "raw-bench");
        raw.flush(java.time.Duration.ofSeconds(5));
        System.out.println("ready");
        System.out.flush();
        System.in.read(); // the benchmark closes our stdin when it is done
        raw.close();
        natrix.close();
    }
}
