package io.natrix.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folders the project makes for a run (a server's store, instances' logs, keys, caches), removed when it ends. */
public final class Folders {

    private Folders() {
    }

    /**
     * Removes {@code folder} as {@link #delete(Path)} does, for a clean-up that must not fail what it cleans after:
     * a failure is told on standard error ({@code WHO: could not remove FOLDER: why}) and the folder stays.
     *
     * @return whether the folder is gone
     */
    public static boolean deleteOrSay(Path folder, String who) {
        try {
            delete(folder);
            return true;
        } catch (IOException e) {
            System.err.println(who + ": could not remove " + folder + ": " + e.getMessage());
            return false;
        }
    }

    /**
     * Removes {@code folder} when this JVM ends, however it ends: a shutdown hook when it exits (see
     * {@link #deleteOrSay(Path, String)}), an {@link OrphanGuard} when it is killed and runs none of its code.
     */
    public static void deleteAtExit(Path folder, String who) {
        OrphanGuard guard = OrphanGuard.removeAfterDeath(folder);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("natrix-remove-" + folder.getFileName())
                .unstarted(() -> {
                    deleteOrSay(folder, who);
                    guard.close();
                }));
    }

    /**
     * A new folder of this JVM's in java.io.tmpdir ({@code prefix} and a random suffix), removed when the JVM ends,
     * however it ends ({@link #deleteAtExit(Path, String)}): a run's keys, say.
     */
    public static Path temporary(String prefix, String who) throws IOException {
        Path folder = Files.createTempDirectory(prefix);
        deleteAtExit(folder, who);
        return folder;
    }

    /** Removes {@code folder} with all it holds; a folder already gone is no error. */
    public static void delete(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
