package io.natrix.cli;

import io.natrix.Natrix;
import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI against a secured nats-server (TLS, nkey users): with {@code --creds} and {@code --ca}, or with the
 * demo's admin found under {@code -Dnatrix.home} and no option at all; refused with what to do otherwise.
 */
class SecuredCliTest {

    @TempDir
    static Path home;

    static NatsSecurity security;
    static NatsServerProcess server;
    static Natrix service;

    record GetUser(String id) {
    }

    @BeforeAll
    static void start() {
        security = NatsSecurity.generate(home.resolve("nats"), Map.of(NatsSecurity.ADMIN, NatsSecurity.User.admin()));
        server = NatsServerProcess.start(1, false, 0, security).getFirst();
        service = Natrix.builder().servers(server.url()).shutdownHook(false).credentials(security.seed(NatsSecurity.ADMIN))
                .trust(security.ca()).connect();
        service.service("users").endpoint("GetUser", GetUser.class, request -> Map.of("id", request.id())).start();
    }

    @AfterAll
    static void stop() {
        service.close();
        server.stop();
    }

    record Run(int code, String out, String err) {
    }

    static Run natrix(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = NatrixCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void withCredentialsAndTheAuthorityTheCliSeesTheServices() {
        Run ls = natrix("ls", "--nats", server.url(), "--creds", security.seed(NatsSecurity.ADMIN).toString(),
                "--ca", security.ca().toString());

        assertThat(ls.code()).as(ls.err()).isZero();
        assertThat(ls.out()).containsPattern("users +\\S+ +1 +GetUser");
    }

    @Test
    void withNoOptionTheDemosAdminIsUsedWhenItsKeysAreThere() {
        String before = System.getProperty("natrix.home");
        System.setProperty("natrix.home", home.toString());
        try {
            Run call = natrix("call", "ms.users.GetUser", "{\"id\":\"7\"}", "--nats", server.url());
            assertThat(call.code()).as(call.err()).isZero();
            assertThat(call.out()).contains("\"id\"", "\"7\"");
        } finally {
            if (before == null) {
                System.clearProperty("natrix.home");
            } else {
                System.setProperty("natrix.home", before);
            }
        }
    }

    @Test
    void withoutCredentialsTheCliIsRefusedAndSaysWhatToGive() {
        Run ls = natrix("ls", "--nats", server.url());
        Run half = natrix("ls", "--nats", server.url(), "--creds", security.seed(NatsSecurity.ADMIN).toString());

        assertThat(ls.code()).isEqualTo(3);
        assertThat(ls.err()).contains("no NATS server at " + server.url() + " let this client in", "--creds FILE --ca FILE");
        assertThat(half.code()).isEqualTo(2);
        assertThat(half.err()).contains("give both --creds and --ca");
    }
}
