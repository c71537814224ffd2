package io.natrix.bench;

import io.natrix.testkit.Folders;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The JDK's ahead-of-time caches (JEP 483 and 515, JDK 25) for the peers bench's JVMs, asked for with {@code --aot}:
 * a training pass in which every JVM peer runs the bench's own warm-up with {@code -XX:AOTCacheOutput} and writes
 * its cache when it ends (the classes it loaded and linked, the profiles of the methods it ran), then the measured
 * pass, in which each JVM peer starts from its cache ({@code -XX:AOTMode=on}: a cache it cannot use stops it,
 * rather than measuring it without). The JIT then compiles with a trained profile from the start instead of
 * learning (and re-learning) it during the rounds. A cache takes only jars on the class path, so the peers get each
 * module's jar where the bench itself runs from {@code target/classes}.
 */
final class AotCaches {

    private final Path folder;

    private AotCaches(Path folder) {
        this.folder = folder;
    }

    /** A fresh folder for this run's caches. */
    static AotCaches create() throws IOException {
        return new AotCaches(Files.createTempDirectory("natrix-peers-aot"));
    }

    /** The options of a training JVM: it writes its cache, named after its peer ({@link PeersBench.Spawner}), when it ends. */
    List<String> trainingOptions() {
        return List.of("-XX:AOTCacheOutput=" + folder.resolve("{peer}.aot"));
    }

    /** The options of a measured JVM: it starts from the cache its training wrote, or does not start. */
    List<String> measuredOptions() {
        return List.of("-XX:AOTMode=on", "-XX:AOTCache=" + folder.resolve("{peer}.aot"));
    }

    /** The cache a peer's JVM wrote, by the file name {@link PeersBench.Spawner} gives it. */
    Path cacheOf(String peerFileName) {
        return folder.resolve(peerFileName + ".aot");
    }

    /** Where the training JVMs' stderr goes. */
    Path trainingLog() {
        return folder.resolve("training.log");
    }

    /** The last lines of the training's stderr, to say why a cache is missing. */
    String trainingLogTail() {
        try {
            List<String> lines = Files.exists(trainingLog()) ? Files.readAllLines(trainingLog()) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Removes the caches and their folder. */
    void delete() throws IOException {
        Folders.delete(folder);
    }

    /**
     * The class path with every directory ({@code <module>/target/classes}) replaced by the jar its module built
     * beside it ({@code <module>/target/<artifact>.jar}), as an AOT cache refuses directories.
     *
     * @throws IllegalStateException a directory with no jar beside it (its module was not packaged)
     */
    static String jarsOnly(String classPath) {
        return Arrays.stream(classPath.split(File.pathSeparator))
                .map(entry -> Files.isDirectory(Path.of(entry)) ? jarBeside(Path.of(entry)).toString() : entry)
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static Path jarBeside(Path classes) {
        Path target = classes.toAbsolutePath().getParent();
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jar"))
                    .filter(file -> !file.getFileName().toString().matches(".*-(sources|javadoc|tests)\\.jar"))
                    .sorted()
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("--aot needs jars on the class path, and " + target
                            + " holds none beside " + classes.getFileName() + ": build with ./mvnw install -DskipTests"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
