package io.natrix.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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

    private PeerProcess(String name, Process process) throws IOException {
        this.name = name;
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.ready = out.readLine();
        if (ready == null || !ready.startsWith("ready")) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not start (said: " + ready + "); its errors are above");
        }
    }

    static PeerProcess start(String name, List<String> command, Path directory, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        return new PeerProcess(name, builder.start());
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

    @Override
    public void close() throws InterruptedException {
        try {
            in.close();
        } catch (IOException alreadyGone) {
            // it ended on its own
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
