package io.natrix.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How long each JVM stood still: every JVM the fleet bench starts logs its safepoints ({@code -Xlog:safepoint}) to a
 * file named by its pid in one folder, and a step reads the longest stop of each process in its own time. A
 * safepoint is every stop of the world, whatever caused it (a collection by any collector, a class redefined, a
 * heap inspected), so a request that waited out its deadline while a process stood still is seen for what it was.
 */
final class Pauses {

    /** {@code [1733350000123ms] ... Safepoint "Op", ... Total: 127712 ns}, as JDK 17 to 25 write it. */
    private static final Pattern SAFEPOINT = Pattern.compile("^\\[(\\d+)ms].*Safepoint \"([^\"]+)\".*Total: (\\d+) ns");

    /** One stop: when it ended (ms since the epoch), what stopped the JVM, and for how long. */
    record Stop(long endedMillis, String operation, long nanos) {
    }

    private final Path folder;

    private Pauses(Path folder) {
        this.folder = folder;
    }

    /** Pauses logged into {@code folder} (created if needed). */
    static Pauses in(Path folder) {
        try {
            return new Pauses(Files.createDirectories(folder));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + folder + " for the JVMs' safepoint logs", e);
        }
    }

    /** Where the logs are. */
    Path folder() {
        return folder;
    }

    /** The option that makes a JVM log its stops here ({@code %p}: the JVM puts its pid in the name). */
    String jvmOption() {
        return "-Xlog:safepoint=info:file=" + folder.resolve("safepoint-%p.log") + ":timemillis:filecount=0";
    }

    /**
     * The longest stop of each role's processes that ended within {@code [fromMillis, toMillis]} (ms since the
     * epoch); a role none of whose processes logged here (nats-server, a JVM started without the option) is left
     * out, and so is one that never stopped in the window.
     */
    Map<String, Stop> longest(Map<String, List<ProcessHandle>> roles, long fromMillis, long toMillis) {
        Map<String, Stop> longest = new LinkedHashMap<>();
        roles.forEach((role, processes) -> processes.stream()
                .map(process -> longest(folder.resolve("safepoint-" + process.pid() + ".log"), fromMillis, toMillis))
                .flatMap(java.util.Optional::stream)
                .max(java.util.Comparator.comparingLong(Stop::nanos))
                .ifPresent(stop -> longest.put(role, stop)));
        return longest;
    }

    static java.util.Optional<Stop> longest(Path log, long fromMillis, long toMillis) {
        if (!Files.isReadable(log)) {
            return java.util.Optional.empty();
        }
        try (Stream<String> lines = Files.lines(log)) {
            return lines.map(Pauses::parse).flatMap(java.util.Optional::stream)
                    .filter(stop -> stop.endedMillis() >= fromMillis && stop.endedMillis() <= toMillis)
                    .max(java.util.Comparator.comparingLong(Stop::nanos));
        } catch (IOException | UncheckedIOException e) {
            return java.util.Optional.empty(); // a log being written as it is read loses at most its last line
        }
    }

    static java.util.Optional<Stop> parse(String line) {
        Matcher matcher = SAFEPOINT.matcher(line);
        if (!matcher.find()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Stop(Long.parseLong(matcher.group(1)), matcher.group(2), Long.parseLong(matcher.group(3))));
    }

    /** {@code gateway 1,045 (Serial young) · dispatch 633 · geo 12}: ms, the cause named where it was a collection. */
    static String describe(Map<String, Stop> longest) {
        if (longest.isEmpty()) {
            return "";
        }
        List<String> parts = new java.util.ArrayList<>();
        longest.forEach((role, stop) -> parts.add(String.format("%s %,d", role, Math.round(stop.nanos() / 1e6))
                + (stop.nanos() >= 100_000_000 ? " (" + stop.operation() + ")" : "")));
        return String.join(" · ", parts);
    }
}
