package io.natrix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.service.Service;
import io.nats.service.ServiceBuilder;
import io.nats.service.ServiceEndpoint;
import io.natrix.Natrix;
import io.natrix.ServiceException;
import io.natrix.testkit.NatsServerExtension;
import io.natrix.tracing.NatrixTracing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every command against real services on a real nats-server, one of them written with jnats's own Services API. */
class CliTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();
    @RegisterExtension
    static final NatsServerExtension empty = NatsServerExtension.single();

    static final ObjectMapper JSON = new ObjectMapper();

    record GetUser(String id) {
    }

    record User(String id, String name) {
    }

    static Natrix natrix;
    static NatrixTracing tracing;
    static Connection plain;
    static Service legacy;

    @BeforeAll
    static void start() throws Exception {
        natrix = Natrix.builder().servers(nats.url())
                .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect();
        tracing = NatrixTracing.builder(natrix).serviceName("users").install();
        for (int instance = 0; instance < 2; instance++) {
            natrix.service("users").version("1.2.0").description("Riders and drivers")
                    .endpoint("GetUser", GetUser.class, request -> {
                        if (request.id().equals("missing")) {
                            throw new ServiceException(404, "no user missing");
                        }
                        return new User(request.id(), "Ada");
                    }).start();
        }
        plain = Nats.connect(nats.options().build());
        legacy = new ServiceBuilder().connection(plain).name("legacy").version("0.9.0").description("not Natrix")
                .addServiceEndpoint(ServiceEndpoint.builder().endpointName("Echo").endpointSubject("legacy.echo")
                        .handler(message -> message.respond(plain, message.getData())).build())
                .build();
        legacy.startService();
    }

    @AfterAll
    static void stop() throws Exception {
        legacy.stop();
        plain.close();
        tracing.close();
        natrix.close();
    }

    record Run(int code, String out, String err) {
    }

    static Run natrix(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] withServer = new String[args.length + 6];
        System.arraycopy(args, 0, withServer, 0, args.length);
        withServer[args.length] = "--nats";
        withServer[args.length + 1] = nats.url();
        withServer[args.length + 2] = "--creds";
        withServer[args.length + 3] = nats.seed().toString();
        withServer[args.length + 4] = "--ca";
        withServer[args.length + 5] = nats.ca().toString();
        int code = NatrixCli.run(new PrintWriter(out, true), new PrintWriter(err, true), withServer);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void lsListsNatrixAndOtherServicesApiServicesWithTheirInstances() throws Exception {
        Run table = natrix("ls");
        Run json = natrix("ls", "--json");

        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).containsPattern("SERVICE +VERSION +INSTANCES +ENDPOINTS")
                .containsPattern("legacy +0\\.9\\.0 +1 +Echo +not Natrix")
                .containsPattern("users +1\\.2\\.0 +2 +GetUser +Riders and drivers");
        JsonNode listed = JSON.readTree(json.out());
        assertThat(listed.findValuesAsText("name")).containsExactly("legacy", "users");
        assertThat(listed.get(1).get("instances").asInt()).isEqualTo(2);
    }

    @Test
    void infoShowsInstancesAndSubjectsAndSaysWhatToDoForAnUnknownName() {
        Run info = natrix("info", "users");
        Run unknown = natrix("info", "nobody");

        assertThat(info.out()).contains("users: Riders and drivers, 2 instances").containsPattern("GetUser +ms\\.users\\.GetUser +users");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("no instance of 'nobody' answered", "natrix ls");
    }

    @Test
    void statsSumsTheInstancesAndWatchShowsTheRate() throws Exception {
        for (int i = 0; i < 10; i++) {
            natrix.call("ms.users.GetUser", new GetUser("u" + i), User.class, Duration.ofSeconds(2));
        }
        Run table = natrix("stats", "users");
        Run json = natrix("stats", "users", "--json");
        CompletableFuture<Run> watching = CompletableFuture.supplyAsync(
                () -> natrix("stats", "users", "--watch", "300ms", "--count", "2", "--json"));
        for (int i = 0; i < 20; i++) {
            natrix.call("ms.users.GetUser", new GetUser("w" + i), User.class, Duration.ofSeconds(2));
        }
        Run watched = watching.get();

        assertThat(table.out()).containsPattern("users +GetUser +2 +\\d+");
        JsonNode row = JSON.readTree(json.out()).get(0);
        assertThat(row.get("requests").asLong()).isGreaterThanOrEqualTo(10);
        assertThat(row.get("instances").asInt()).isEqualTo(2);
        String[] refreshes = watched.out().strip().split("\n");
        assertThat(refreshes).hasSize(2);
        assertThat(JSON.readTree(refreshes[0]).get(0).get("requestsPerSecond").isNull()).isTrue();
        assertThat(JSON.readTree(refreshes[1]).get(0).get("requestsPerSecond").asDouble()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void pingHearsEveryInstance() {
        Run ping = natrix("ping");

        assertThat(ping.code()).isZero();
        assertThat(ping.out().lines().filter(line -> line.startsWith("users"))).hasSize(2);
        assertThat(ping.out()).containsPattern("legacy +\\w+ +0\\.9\\.0 +[0-9.]+ ms");
    }

    @Test
    void callPrintsTheReplyOrTheTypedErrorAndTheTraceShowsWhereItWent() {
        Run ok = natrix("call", "ms.users.GetUser", "{\"id\":\"42\"}");
        Run missing = natrix("call", "ms.users.GetUser", "{\"id\":\"missing\"}");
        Run nobody = natrix("call", "ms.nobody.Here", "{}");
        Run broken = natrix("call", "ms.users.GetUser", "{\"id\":");
        Run other = natrix("call", "legacy.echo", "{\"hello\":\"there\"}");

        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("\"name\" : \"Ada\"");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("ms.users.GetUser answered 404: no user missing");
        assertThat(nobody.code()).isEqualTo(3);
        assertThat(nobody.err()).contains("nothing serves ms.nobody.Here", "natrix ls");
        assertThat(broken.code()).isEqualTo(2);
        assertThat(broken.err()).contains("not valid JSON");
        assertThat(other.out()).contains("\"hello\" : \"there\"");

        Matcher traced = Pattern.compile("trace ([0-9a-f]{32})").matcher(ok.err());
        assertThat(traced.find()).isTrue();
        Run trace = await().until(() -> natrix("trace", traced.group(1)), run -> run.out().contains("SERVE"));
        assertThat(trace.out()).containsPattern("SERVE +users +ms\\.users\\.GetUser +ok");
        Run traces = natrix("traces", "--errors");
        assertThat(traces.out()).contains("ms.users.GetUser");
        assertThat(natrix("trace", "0af7651916cd43dd8448eb211c80319d").err()).contains("natrix traces");
        assertThat(natrix("trace", "not-an-id").code()).isEqualTo(2);
    }

    @Test
    void subPrettyPrintsWhatPubSends() throws Exception {
        CompletableFuture<Run> listening = CompletableFuture.supplyAsync(() -> natrix("sub", "ms.geo.>", "--count", "1"));
        await().until(() -> natrix("pub", "ms.geo.UpdatePoint", "{\"driverId\":\"d1\",\"lat\":32.1}")
                .code() == 0 && listening.isDone());
        Run heard = listening.get();

        assertThat(heard.out()).contains("ms.geo.UpdatePoint", "\"driverId\" : \"d1\"");
        assertThat(heard.err()).contains("listening on ms.geo.>");
    }

    @Test
    void withoutAServerOrServicesEveryCommandSaysWhatToDo() {
        StringWriter err = new StringWriter();
        int code = NatrixCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "ls", "--nats", "nats://127.0.0.1:1");
        StringWriter emptyErr = new StringWriter();
        int emptyCode = NatrixCli.run(new PrintWriter(new StringWriter()), new PrintWriter(emptyErr, true), "ls", "--nats", empty.url(),
                "--creds", empty.seed().toString(), "--ca", empty.ca().toString());

        assertThat(code).isEqualTo(3);
        assertThat(err.toString()).contains("no NATS server at nats://127.0.0.1:1", "is the demo running", "--nats URL");
        assertThat(emptyCode).isEqualTo(3);
        assertThat(emptyErr.toString()).contains("no services answered on " + empty.url(), "is the demo running");
    }
}
