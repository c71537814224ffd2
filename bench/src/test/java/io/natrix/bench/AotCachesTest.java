package io.natrix.bench;

import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code bench peers --aot}: a JVM peer trained with its cache written as it ends, then started from it. */
class AotCachesTest {

    @Test
    void aClassesFolderIsReplacedByItsModulesJarAndJarsStay(@TempDir Path dir) throws IOException {
        Path classes = Files.createDirectories(dir.resolve("core/target/classes"));
        Files.createFile(dir.resolve("core/target/natrix-core-1.0-sources.jar"));
        Files.createFile(dir.resolve("core/target/natrix-core-1.0.jar"));
        Path library = Files.createFile(dir.resolve("jnats.jar"));

        assertThat(AotCaches.jarsOnly(classes + File.pathSeparator + library))
                .isEqualTo(dir.resolve("core/target/natrix-core-1.0.jar") + File.pathSeparator + library);
    }

    @Test
    void aClassesFolderWithNoJarBesideItIsSaidWithTheBuildToRun(@TempDir Path dir) throws IOException {
        Path classes = Files.createDirectories(dir.resolve("bench/target/classes"));

        assertThatThrownBy(() -> AotCaches.jarsOnly(classes.toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--aot needs jars on the class path")
                .hasMessageContaining("./mvnw install -DskipTests");
    }

    @Test
    void peerInAJvmOptionIsThePeersNameAsAFileName() {
        PeersBench.Spawner spawner = new PeersBench.Spawner(new ArrayList<>(),
                List.of("-XX:+UseParallelGC", "-Xlog:jit+compilation=debug:file=/tmp/jit-{peer}.log"), Map.of());

        assertThat(spawner.jvmOptions("natrix requester of a non-blocking endpoint")).containsExactly(
                "-XX:+UseParallelGC", "-Xlog:jit+compilation=debug:file=/tmp/jit-natrix-requester-of-a-non-blocking-endpoint.log");
    }

    @Test
    void aTrainedPeerWritesItsCacheAsItEndsAndTheNextStartsFromIt(@TempDir Path dir) throws Exception {
        NatsSecurity security = NatsSecurity.generate(dir.resolve("keys"), PeerSecurity.users());
        NatsServerProcess nats = NatsServerProcess.start(1, false, 0, security).getFirst();
        AotCaches caches = AotCaches.create();
        List<PeerProcess> started = new ArrayList<>();
        try {
            PeersBench.Spawner spawner = new PeersBench.Spawner(started, List.of("-XX:+UseSerialGC"),
                    PeerSecurity.environment(security, dir.resolve("keys")), jarClassPath(dir),
                    ProcessBuilder.Redirect.appendTo(caches.trainingLog().toFile()));

            PeerProcess training = spawner.withJarsAnd(started, caches.trainingOptions(), spawner.environment(),
                    spawner.errors()).java("natrix responder", "respond", "natrix", nats.url(), "peernatrix").get();
            training.close(Duration.ofSeconds(60));
            assertThat(caches.cacheOf("natrix-responder")).as(caches.trainingLogTail()).isNotEmptyFile();

            // AOTMode=on: a JVM that cannot map its cache does not start, so "ready" means it started from it
            PeerProcess measured = spawner.withJarsAnd(started, caches.measuredOptions(), spawner.environment(),
                    spawner.errors()).java("natrix responder", "respond", "natrix", nats.url(), "peernatrix").get();
            assertThat(measured.java()).isTrue();
            measured.close();

            assertThatThrownBy(() -> spawner.withJarsAnd(started, caches.measuredOptions(), spawner.environment(),
                    spawner.errors()).java("raw jnats responder", "respond", "jnats", nats.url(), "peer.jnats").get())
                    .hasMessageContaining("raw jnats responder did not start");
        } finally {
            for (PeerProcess process : started) {
                process.close();
            }
            caches.delete();
            nats.stop();
        }
    }

    @Test
    void theJvmsOwnLogLinesGoToStderrNotToTheStdoutItsAnswersComeOn(@TempDir Path dir) throws Exception {
        NatsSecurity security = NatsSecurity.generate(dir.resolve("keys"), PeerSecurity.users());
        NatsServerProcess nats = NatsServerProcess.start(1, false, 0, security).getFirst();
        List<PeerProcess> started = new ArrayList<>();
        try {
            // a cache that is not there: the JVM says so on -Xlog's default output, stdout, and goes on without it
            PeersBench.Spawner spawner = new PeersBench.Spawner(started, List.of("-XX:AOTCache=" + dir.resolve("none.aot")),
                    PeerSecurity.environment(security, dir.resolve("keys")), System.getProperty("java.class.path"),
                    ProcessBuilder.Redirect.appendTo(dir.resolve("stderr.txt").toFile()));

            PeerProcess responder = spawner.java("natrix responder", "respond", "natrix", nats.url(), "peernatrix").get();

            assertThat(responder.readyDetail()).isEmpty();
            assertThat(Files.readString(dir.resolve("stderr.txt"))).contains("[aot]");
        } finally {
            for (PeerProcess process : started) {
                process.close();
            }
            nats.stop();
        }
    }

    /**
     * The test's class path with every folder in it made a jar (the tests run before their modules are packaged;
     * an AOT cache takes jars only).
     */
    private static String jarClassPath(Path dir) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            entries.add(Files.isDirectory(path) ? jar(path, dir.resolve("classes-" + entries.size() + ".jar")).toString() : entry);
        }
        return String.join(File.pathSeparator, entries);
    }

    private static Path jar(Path folder, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(folder.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
