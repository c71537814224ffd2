package io.natrix.testkit;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JVM killed with SIGKILL runs none of its code, yet the nats-server it started ends within seconds, and the
 * server's folder (its config, log and JetStream store) goes with it; so does a folder the JVM was to remove at
 * its exit (its keys).
 */
class OrphanGuardTest {

    @Test
    void aKilledJvmsServerEndsAndItsFolderGoes() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process parent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Parent.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).as("the parent's server").isNotNull().startsWith("server ");
            ProcessHandle server = ProcessHandle.of(Long.parseLong(line.substring(7))).orElseThrow();
            Path folder = configFolder(server).orElseThrow();
            assertThat(folder.resolve("nats-server.log")).exists();

            String keysLine = out.readLine();
            assertThat(keysLine).as("the parent's keys").isNotNull().startsWith("keys ");
            Path keys = Path.of(keysLine.substring(5));
            assertThat(keys.resolve(NatsSecurity.ADMIN + ".nk")).exists();

            parent.destroyForcibly(); // SIGKILL
            assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();

            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while ((alive(server) || Files.exists(folder) || Files.exists(keys)) && System.nanoTime() - until < 0) {
                Thread.sleep(100);
            }
            assertThat(alive(server)).as("the orphaned server").isFalse();
            assertThat(folder).as("its folder").doesNotExist();
            assertThat(keys).as("the killed JVM's keys, a folder to remove at its exit").doesNotExist();
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void aPidThatWouldSignalMoreThanOneProcessIsRefused() {
        // kill -TERM 0 ends this process group, -1 every process the user may signal
        for (long pid : new long[] {0, -1, -42, 1}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> OrphanGuard.watch(pid))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not the pid of a child process");
        }
    }

    /** The folder of the server's {@code --config} file, read from its command line. */
    private static Optional<Path> configFolder(ProcessHandle server) throws Exception {
        String[] arguments = Files.readString(Path.of("/proc/" + server.pid() + "/cmdline")).split("\0");
        for (int i = 0; i + 1 < arguments.length; i++) {
            if (arguments[i].equals("--config")) {
                return Optional.of(Path.of(arguments[i + 1]).getParent());
            }
        }
        return Optional.empty();
    }

    /** Running, and not a zombie that process 1 has yet to reap. */
    private static boolean alive(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            return process.isAlive() && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException gone) {
            return false;
        }
    }

    /** Starts a nats-server with JetStream, says its pid and where this JVM's keys are, and waits to be killed. */
    static final class Parent {
        public static void main(String[] args) throws Exception {
            NatsServerProcess server = NatsServerProcess.start(1, true).getFirst();
            System.out.println("server " + server.pid());
            System.out.println("keys " + NatsSecurity.temporary().seed(NatsSecurity.ADMIN).getParent());
            System.out.flush();
            Thread.sleep(Duration.ofMinutes(2));
        }
    }
}
