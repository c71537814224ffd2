package io.natrix.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs Debian's {@code wrk} against a URL and reads its summary. */
final class Wrk {

    record Result(double perSecond, double p50Millis, double p99Millis, long non2xx, long socketErrors) {
    }

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private Wrk() {
    }

    static Result run(String url, int connections, Duration duration) throws IOException, InterruptedException {
        return run(url, List.of(), connections, duration);
    }

    /** As {@link #run(String, int, Duration)}, every request with {@code headers} ({@code "Name: value"}). */
    static Result run(String url, List<String> headers, int connections, Duration duration) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("wrk", "-t2", "-c" + connections, "-d" + duration.toSeconds() + "s",
                "--latency"));
        headers.forEach(header -> command.addAll(List.of("-H", header)));
        command.add(url);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("wrk is not installed: sudo apt-get install -y wrk", e);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("wrk failed: " + out);
        }
        long socketErrors = 0;
        Matcher errors = SOCKET_ERRORS.matcher(out);
        if (errors.find()) {
            for (int i = 1; i <= 4; i++) {
                socketErrors += Long.parseLong(errors.group(i));
            }
        }
        Matcher non2xx = NON_2XX.matcher(out);
        return new Result(number(RATE, out), percentile(out, "50%"), percentile(out, "99%"),
                non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, socketErrors);
    }

    private static double number(Pattern pattern, String out) throws IOException {
        Matcher m = pattern.matcher(out);
        if (!m.find()) {
            throw new IOException("cannot read wrk's output: " + out);
        }
        return Double.parseDouble(m.group(1));
    }

    /** wrk prints e.g. {@code 99%    3.21ms} (or us, s) under "Latency Distribution". */
    private static double percentile(String out, String label) throws IOException {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(label) + "\\s+([\\d.]+)(us|ms|s)\\b").matcher(out);
        if (!m.find()) {
            throw new IOException("no " + label + " latency in wrk's output: " + out);
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }
}
