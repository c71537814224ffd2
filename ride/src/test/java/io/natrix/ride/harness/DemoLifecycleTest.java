package io.natrix.ride.harness;

import io.natrix.ride.ServiceMain;
import io.natrix.testkit.Folders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code ./natrix demo} and everything it starts live and die together, on real processes: whatever signal
 * stops the demo (SIGKILL included, which runs no code of the demo's), none of its nats-server or service
 * processes is left 5 s later, nor their folders (what the instances unpack included), and a signal a program
 * can handle stops the apps first, with their summary, so that the streams the stop closes are not counted as
 * the run's errors; a port another program holds stops the demo at once, with a message that names the port and
 * what to do.
 */
class DemoLifecycleTest {

    /** The demo as {@code ./natrix demo} runs it, small: its own nats-server, every service, two gateways. */
    static Process demo(List<String> output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                // a shell started in the background ignores SIGINT, and one started by nohup SIGHUP, and so would
                // the JVM it starts (a JVM leaves a signal ignored at its start ignored): put both back
                "/usr/bin/perl", "-e", "$SIG{INT} = 'DEFAULT'; $SIG{HUP} = 'DEFAULT'; exec @ARGV or die $!",
                ProcessHandle.current().info().command().orElseThrow(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), RideDemo.class.getName(),
                "--nats-port", "0", "--drivers", "10", "--riders", "4", "--duration", "600s"));
        command.addAll(List.of(args));
        Process demo = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (IOException ended) {
                // the demo is gone
            }
        });
        return demo;
    }

    /**
     * Alive and not a zombie: a process that has exited but whose new parent (whatever this machine runs as
     * process 1) has not reaped it yet holds nothing, and is not left behind.
     */
    static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + process.pid() + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    /** Waits for the apps' first status line; failing, says what the demo printed and whether it still runs. */
    static void awaitStatusLine(Process demo, List<String> output) {
        awaitLine(demo, output, "a status line from the demo", line -> line.matches("\\s*\\d+s  drivers .*"));
    }

    private static void awaitLine(Process demo, List<String> output, String what, java.util.function.Predicate<String> line) {
        await().atMost(Duration.ofSeconds(120)).alias(what).untilAsserted(() -> assertThat(output)
                .as("the demo's output so far (%s)%n%s", demo.isAlive() ? "still running" : "ended with " + demo.exitValue(),
                        String.join("\n", output))
                .anyMatch(line));
    }

    static void signal(Process process, String signal) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor()).isZero();
    }

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"KILL", "TERM", "INT", "HUP"})
    void whateverStopsTheDemoNothingItStartedOutlivesItByMoreThanFiveSeconds(String signal) throws Exception {
        List<String> output = new CopyOnWriteArrayList<>();
        Process demo = demo(output, "--port", "0");
        try {
            // every process started and the apps run (in the demo's JVM): a user's Ctrl-C comes in the middle of a run
            awaitStatusLine(demo, output);
            List<ProcessHandle> started = demo.toHandle().descendants().toList();
            List<String> commands = started.stream().map(child -> child.info().commandLine().orElse("")).toList();
            assertThat(commands).as("the demo's nats-server").anyMatch(command -> command.contains("nats-server --config"));
            assertThat(commands.stream().filter(command -> command.contains("-Dnatrix.exitWithParent=true")))
                    .as("its service and gateway processes").hasSizeGreaterThanOrEqualTo(14);

            // what the instances unpack (H3's native library, removed on a normal exit only) is in the run's own folder
            List<Path> scratch = commands.stream().filter(command -> command.contains("-Dnatrix.exitWithParent=true"))
                    .map(command -> Path.of(command.substring(command.indexOf("-Djava.io.tmpdir=") + 17).split(" ")[0]))
                    .distinct().toList();
            assertThat(scratch).as("the instances' java.io.tmpdir").hasSize(1);
            try (var files = Files.list(scratch.getFirst())) {
                assertThat(files.map(file -> file.getFileName().toString())).as("what the instances unpacked")
                        .anyMatch(name -> name.startsWith("libh3-java"));
            }
            List<String> mapped = Stream.concat(Stream.of(demo.toHandle()), started.stream())
                    .flatMap(process -> mappedFiles(process).stream()).toList();
            assertThat(mapped).as("native code the demo and its processes loaded from an unpacked file")
                    .filteredOn(file -> file.contains("libh3-java")).isNotEmpty()
                    .allMatch(file -> file.startsWith(scratch.getFirst().toString()));
            // BouncyCastle's native code (unpacked into a folder only its shutdown hook removes) is not loaded
            assertThat(mapped).noneMatch(file -> file.contains("bc-lts-jni"));

            int linesBeforeTheSignal = output.size();
            signal(demo, signal);
            boolean demoEnded = demo.waitFor(30, TimeUnit.SECONDS);
            assertThat(demoEnded).as("the demo itself ended; its last lines:%n%s", String.join("\n",
                    output.subList(Math.max(0, output.size() - 30), output.size()))).isTrue();
            long ended = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                    assertThat(started.stream().filter(DemoLifecycleTest::running).map(p -> p.pid() + " " + p.info().commandLine().orElse("")))
                            .as("processes left after SIG" + signal).isEmpty());
            assertThat(Duration.ofNanos(System.nanoTime() - ended)).isLessThan(Duration.ofSeconds(5));
            // nor its files: the nats-server's folder (config, log, JetStream store) goes with it, SIGKILL included
            List<Path> serverFolders = commands.stream().filter(command -> command.contains("nats-server --config"))
                    .map(command -> Path.of(command.substring(command.indexOf("--config ") + 9).split(" ")[0]).getParent())
                    .toList();
            assertThat(serverFolders).isNotEmpty();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                    assertThat(serverFolders).as("the nats-server's folder after SIG" + signal).noneMatch(Files::exists));
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                    assertThat(scratch).as("the instances' java.io.tmpdir after SIG" + signal).noneMatch(Files::exists));
            Path logs = logs(output);
            if (!signal.equals("KILL")) {
                // the apps stop first and say what they saw; the streams the stop closes are not the run's errors
                List<String> after = output.subList(linesBeforeTheSignal, output.size());
                assertThat(after).as("the demo's lines after SIG" + signal).anyMatch(line -> line.startsWith("stopped: summary: "))
                        .noneMatch(line -> line.startsWith("first error of its kind"))
                        .noneMatch(line -> line.startsWith("Exception in thread"))
                        .noneMatch(line -> line.startsWith("stopped: summary: ") && line.matches(".*(stream lost|IOException|is stopping).*"));
                // a run without errors cleans up after itself; one with errors keeps its logs and says where
                if (output.stream().noneMatch(line -> line.contains("logs kept in " + logs))) {
                    assertThat(logs).as("the logs of a run without errors").doesNotExist();
                }
            }
            Folders.delete(logs); // a killed demo, or one whose apps saw errors, kept them; a failed test keeps them
        } finally {
            demo.destroyForcibly();
        }
    }

    /** The whole command line (ProcessHandle's may stop short of a long class path), or "" once it ended. */
    static String commandLine(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc/" + process.pid() + "/cmdline")).replace('\0', ' ');
        } catch (IOException gone) {
            return "";
        }
    }

    /** The files a process has mapped (its code among them), from {@code /proc/PID/maps}; none once it ended. */
    static List<String> mappedFiles(ProcessHandle process) {
        try {
            return Files.readAllLines(Path.of("/proc/" + process.pid() + "/maps")).stream()
                    .map(line -> line.split("\\s+", 6))
                    .filter(fields -> fields.length == 6 && fields[5].startsWith("/"))
                    .map(fields -> fields[5]).distinct().toList();
        } catch (IOException gone) {
            return List.of();
        }
    }

    /** The folder of the instances' logs, as the demo printed it. */
    static Path logs(List<String> output) {
        String line = output.stream().filter(l -> l.contains("(logs: ")).findFirst().orElseThrow();
        return Path.of(line.substring(line.indexOf("(logs: ") + 7).split(",")[0]);
    }

    @Test
    void aStopDuringStartUpStopsEverythingStartedSoFar() throws Exception {
        List<String> output = new CopyOnWriteArrayList<>();
        Process demo = demo(output, "--port", "0");
        try {
            // some instances started, none serving yet: the middle of the start
            await().atMost(Duration.ofSeconds(60)).until(() -> demo.toHandle().descendants()
                    .filter(child -> child.info().commandLine().orElse("").contains("-Dnatrix.exitWithParent=true")).count() >= 5);
            assertThat(output).noneMatch(line -> line.contains("gateways: "));
            List<ProcessHandle> started = demo.toHandle().descendants().toList();
            signal(demo, "TERM");
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).as("the demo itself ended").isTrue();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                    assertThat(started.stream().filter(DemoLifecycleTest::running).map(p -> p.pid() + " " + p.info().commandLine().orElse("")))
                            .as("processes left after a SIGTERM during start-up").isEmpty());
            // the instances' logs are what explains a start that hung: kept, and said where
            String kept = "natrix: the ride system's start was cut short; its logs are kept in ";
            await().atMost(Duration.ofSeconds(5)).until(() -> output.stream().anyMatch(line -> line.startsWith(kept)));
            Path logs = Path.of(output.stream().filter(line -> line.startsWith(kept)).findFirst().orElseThrow().substring(kept.length()));
            try (var files = Files.list(logs)) {
                assertThat(files.map(file -> file.getFileName().toString())).anyMatch(name -> name.startsWith("users-"));
            }
            Folders.delete(logs);
        } finally {
            demo.destroyForcibly();
        }
    }

    @Test
    void anInstanceThatDiesIsToldInWordsAndTheRunKeepsItsLogs() throws Exception {
        List<String> output = new CopyOnWriteArrayList<>();
        Process demo = demo(output, "--port", "0");
        try {
            // the apps run: a status line (riders start after the drivers, once these show in nearby answers)
            awaitStatusLine(demo, output);
            List<ProcessHandle> dispatch = demo.toHandle().descendants()
                    .filter(child -> commandLine(child).contains("ServiceMain dispatch")).toList();
            assertThat(dispatch).hasSize(2);
            dispatch.forEach(ProcessHandle::destroyForcibly);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(String.join("\n", output))
                    .contains("dispatch (pid " + dispatch.getFirst().pid() + ") ended by itself (exit code 137)")
                    .containsPattern("first error of its kind \\(503\\): .*/nearby"));

            signal(demo, "TERM");
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).as("the demo itself ended").isTrue();
            Path logs = logs(output);
            assertThat(output).anyMatch(line -> line.contains("natrix demo: logs kept in " + logs + ": the apps saw")
                    && line.contains("dispatch (pid " + dispatch.getFirst().pid() + ") ended by itself"));
            try (var files = Files.list(logs)) {
                assertThat(files.map(file -> file.getFileName().toString())).anyMatch(name -> name.startsWith("dispatch-"));
            }
            Folders.delete(logs); // kept for a person; this test has read them
        } finally {
            demo.destroyForcibly();
        }
    }

    @Test
    void aGatewayPortAnotherProgramHoldsStopsTheDemoAtOnceNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<String> output = new CopyOnWriteArrayList<>();
            Process demo = demo(output, "--port", Integer.toString(taken.getLocalPort()));
            try {
                assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("the demo gave up").isTrue();
                assertThat(demo.exitValue()).isNotZero();
                assertThat(String.join("\n", output))
                        .contains("port " + taken.getLocalPort() + " is taken")
                        .contains("--port")
                        .doesNotContain("gateways: http://127.0.0.1:" + taken.getLocalPort());
            } finally {
                demo.destroyForcibly();
            }
        }
    }
}
