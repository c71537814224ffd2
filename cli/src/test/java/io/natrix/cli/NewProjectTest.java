package io.natrix.cli;

import io.natrix.Natrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code natrix new}: the project it writes, in a folder outside this repository, builds offline against the local
 * repository and passes its own test with its own {@code ./test}; its {@code ./run} serves the contract on the NATS
 * it is given and stops on SIGTERM.
 */
class NewProjectTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path elsewhere;

    @Test
    void aNewProjectPassesItsOwnTestAndItsRunServesItsContract() throws Exception {
        Path project = elsewhere.resolve("fares");
        new NewProject("fares", NewProject.defaultPackage("fares")).write(project, CHECKOUT);
        assertThat(project.resolve("src/main/java/com/example/fares/FaresApi.java")).exists();
        assertThat(Files.readString(project.resolve("pom.xml"))).contains("<artifactId>natrix-bom</artifactId>");

        Process test = start(project, Map.of(), "./test", "-o", "-B");
        String tested = new String(test.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(test.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(test.exitValue()).as(tested).isZero();
        assertThat(tested).contains("Tests run: 1, Failures: 0, Errors: 0");

        Map<String, String> given = Map.of("NATS_URL", nats.url(), "NATS_NKEY", nats.seed().toString(),
                "NATS_CA", nats.ca().toString());
        Process run = start(project, given, "./run", "-o");
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> serving = CompletableFuture.supplyAsync(() -> lines.lines()
                    .filter(line -> line.startsWith("fares serving")).findFirst().orElse("ended without serving"));
            assertThat(serving.get(2, TimeUnit.MINUTES)).contains("[ms.fares.Greet]");
            try (Natrix caller = Natrix.builder().servers(nats.url())
                    .credentials(nats.seed()).trust(nats.ca()).shutdownHook(false).connect()) {
                Map<?, ?> answer = caller.call("ms.fares.Greet", Map.of("who", "Ada"), Map.class, Duration.ofSeconds(5));
                assertThat(answer.get("text")).isEqualTo("Hello, Ada!");
            }
        } finally {
            run.destroy(); // SIGTERM: the service drains and ends
            assertThat(run.waitFor(30, TimeUnit.SECONDS)).as("./run ends on SIGTERM").isTrue();
        }

        // without NATS_URL: on a secured nats-server of its own, which ends with it, as the service's own user
        Process own = start(project, Map.of(), "./run", "-o");
        List<String> said = new CopyOnWriteArrayList<>();
        CompletableFuture<String> serving = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            new BufferedReader(new InputStreamReader(own.getInputStream(), StandardCharsets.UTF_8)).lines().forEach(line -> {
                said.add(line);
                if (line.startsWith("fares serving")) {
                    serving.complete(line);
                }
            });
            serving.complete("ended without serving");
        });
        String url;
        try {
            Matcher on = Pattern.compile(" on (tls://\\S+);").matcher(serving.get(2, TimeUnit.MINUTES));
            assertThat(on.find()).as("served on a secured server").isTrue();
            url = on.group(1);
            Path keys = project.resolve(".nats");
            assertThat(Files.readString(project.resolve(".gitignore"))).contains(".nats/");
            try (Natrix caller = Natrix.builder().servers(url).credentials(keys.resolve("admin.nk")).trust(keys.resolve("ca.pem"))
                    .shutdownHook(false).connect()) {
                Map<?, ?> answer = caller.call("ms.fares.Greet", Map.of("who", "Grace"), Map.class, Duration.ofSeconds(5));
                assertThat(answer.get("text")).isEqualTo("Hello, Grace!");
            }
            assertThatThrownBy(() -> Natrix.builder().servers(url).trust(keys.resolve("ca.pem")).shutdownHook(false).connect())
                    .as("an anonymous client").isInstanceOf(io.natrix.ConnectionException.class)
                    .hasMessageContaining("does not accept these credentials");
            // the service's user may do what the service does, and no more
            try (Natrix asTheService = Natrix.builder().servers(url).credentials(keys.resolve("fares.nk"))
                    .trust(keys.resolve("ca.pem")).inboxPrefix("_INBOX_fares").shutdownHook(false).connect()) {
                asTheService.publish("ms.other.Thing", Map.of("what", "not its to send"));
                await().atMost(Duration.ofSeconds(5)).alias("a publish outside its permissions refused")
                        .until(() -> asTheService.permissionViolations() == 1);
            }
        } finally {
            own.destroy();
            assertThat(own.waitFor(30, TimeUnit.SECONDS)).as("./run ends on SIGTERM").isTrue();
        }
        assertThat(said).as("./run's output").noneMatch(line -> line.contains("Permissions Violation"))
                .anyMatch(line -> line.startsWith("fares serving"));
        int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).alias("its nats-server stopped with it")
                .until(() -> !listening(port));
    }

    private static boolean listening(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException refused) {
            return false;
        }
    }

    @Test
    void aBadNameOrAFullFolderIsRefusedWithWhatIsExpected() throws Exception {
        assertThatThrownBy(() -> new NewProject("Fares!", "com.example.fares")).hasMessageContaining("lower-case letters");
        assertThatThrownBy(() -> new NewProject("fares", "com.Example-")).hasMessageContaining("not a Java package");
        Files.writeString(elsewhere.resolve("something"), "mine");
        assertThatThrownBy(() -> new NewProject("fares", "com.example.fares").write(elsewhere, CHECKOUT))
                .hasMessageContaining("is not empty");
        assertThat(new NewProject("ride-quotes", "com.example.ridequotes").className()).isEqualTo("RideQuotes");
    }

    private static Process start(Path project, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(env);
        return builder.start();
    }
}
