package io.natrix.bench;

import java.util.stream.Collectors;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.natrix.Natrix;

import java.util.ArrayList;
import java.util.List;

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

    /** The one users handler, served over NATS and over HTTP alike. */
    static User getUser(GetUser request) {
        return new User(request.id(), "Ada Lovelace", "ada@example.com");
    }

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
        // the users service twice over NATS (two instances, one queue group) and twice over HTTP (two servers)
        Natrix secondUsers = Natrix.builder().servers(url).connectionName("bench-users-2").connect();
        for (Natrix instance : new Natrix[]{natrix, secondUsers}) {
            instance.service("users").version("1.0.0").endpoint("GetUser", GetUser.class, Responder::getUser).start();
        }
        ObjectMapper json = new ObjectMapper();
        List<WebServer> httpUsers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            httpUsers.add(WebServer.builder().host("127.0.0.1").port(0)
                    .routing(routing -> routing.get("/v1/users/{id}", (request, response) -> {
                        response.header(HeaderNames.CONTENT_TYPE, "application/json");
                        response.send(json.writeValueAsBytes(getUser(new GetUser(request.path().pathParameters().get("id")))));
                    }))
                    .build().start());
        }
        Connection raw = RawNats.connect(url, "bench-jnats-responder");
        raw.createDispatcher(message -> raw.publish(message.getReplyTo(), message.getData()))
                .subscribe(RAW, "raw-bench");
        raw.flush(java.time.Duration.ofSeconds(5));
        System.out.println("ready " + httpUsers.stream().map(server -> Integer.toString(server.port()))
                .collect(Collectors.joining(",")));
        System.out.flush();
        System.in.read(); // the benchmark closes our stdin when it is done
        raw.close();
        httpUsers.forEach(WebServer::stop);
        secondUsers.close();
        natrix.close();
    }
}
