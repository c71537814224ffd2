package io.natrix.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Responder} running in a JVM of its own, as every benchmark here uses it: started on a NATS URL,
 * ready once it says so, stopped by closing its stdin.
 *
 * @param process   the JVM
 * @param httpPorts the ports of its two HTTP users servers
 */
record ResponderProcess(Process process, List<Integer> httpPorts) implements AutoCloseable {

    static ResponderProcess start(String natsUrl) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-XX:+UseParallelGC", "--add-opens=java.base/java.lang=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Responder.class.getName(), natsUrl)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (line == null || !line.startsWith("ready ")) {
            process.destroyForcibly();
            throw new IllegalStateException("the responder process did not start: " + line);
        }
        List<Integer> ports = Arrays.stream(line.substring("ready ".length()).split(",")).map(Integer::valueOf).toList();
        return new ResponderProcess(process, ports);
    }

    @Override
    public void close() throws InterruptedException {
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write('\n');
        } catch (IOException alreadyGone) {
            // it ended on its own
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
