package io.natrix.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One process of a peer (Java, Go or Node), spoken to in the peers' line protocol: a command per line on its
 * stdin, one answer per line on its stdout. Closing its stdin ends it.
 */
final class PeerProcess implements AutoCloseable {

    private static final long CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ

    private final String name;
    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final String ready;
    private final boolean java;

    private PeerProcess(String name, Process process, boolean java) throws IOException {
        this.name = name;
        this.process = process;
        this.java = java;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.ready = out.readLine();
        if (ready == null || !ready.startsWith("ready")) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not start (said: " + ready + "); its errors are above");
        }
    }

    /**
     * @param java   a JVM ({@link Peer}): it answers {@code gc} too
     * @param errors where its stderr goes (the bench's own, or a file)
     */
    static PeerProcess start(String name, List<String> command, Path directory, Map<String, String> environment,
                             boolean java, ProcessBuilder.Redirect errors) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectError(errors);
        builder.environment().putAll(environment);
        return new PeerProcess(name, builder.start(), java);
    }

    /** What follows {@code ready} on its first line (the HTTP echo's port, for instance). */
    String readyDetail() {
        return ready.substring("ready".length()).trim();
    }

    /** Sends one command and returns the words of the answer after {@code ok}. */
    synchronized String[] send(String command) throws IOException {
        in.write(command + "\n");
        in.flush();
        String answer = out.readLine();
        if (answer == null) {
            throw new IllegalStateException(name + " ended while answering '" + command + "'");
        }
        if (!answer.startsWith("ok")) {
            throw new IllegalStateException(name + " answered '" + command + "' with: " + answer);
        }
        String rest = answer.substring(2).trim();
        return rest.isEmpty() ? new String[0] : rest.split(" ");
    }

    /**
     * A JVM collects its garbage in full once (a {@code gc} command), so that what it kept from its start-up is in
     * the old generation before anything counts, as in a service that has run for a while; other processes: nothing.
     */
    void collectGarbage() throws IOException {
        if (java) {
            send("gc");
        }
    }

    long pid() {
        return process.pid();
    }

    /** CPU time (user + system) this process has used so far, in seconds, from {@code /proc}. */
    double cpuSeconds() {
        return cpuSeconds(process.pid());
    }

    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * CPU time the process's JIT compiler threads (HotSpot's {@code C1/C2 CompilerThread}s) have used so far, in
     * seconds, from {@code /proc}'s per-thread schedstat (nanoseconds); 0 for a process that has none (Go, Node).
     */
    double compilerSeconds() {
        long nanos = 0;
        try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path thread : threads.toList()) {
                try {
                    String name = Files.readString(thread.resolve("comm")).strip();
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        nanos += Long.parseLong(Files.readString(thread.resolve("schedstat")).split(" ")[0]);
                    }
                } catch (IOException | RuntimeException threadEnded) {
                    // it ended between the listing and the read: its time no longer counts anywhere
                }
            }
        } catch (IOException processEnded) {
            return Double.NaN;
        }
        return nanos / 1e9;
    }

    /** The peer's name, as its process was started with. */
    String name() {
        return name;
    }

    /** Whether it is a JVM ({@link Peer}). */
    boolean java() {
        return java;
    }

    @Override
    public void close() throws InterruptedException {
        close(Duration.ofSeconds(10));
    }

    /**
     * Closes its stdin, which ends it, and waits that long for it to end before killing it (a JVM writing an AOT
     * cache as it ends takes seconds).
     */
    void close(Duration patience) throws InterruptedException {
        try {
            in.close();
        } catch (IOException alreadyGone) {
            // it ended on its own
        }
        if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
