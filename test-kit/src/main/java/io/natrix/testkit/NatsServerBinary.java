package io.natrix.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds the {@code nats-server} executable, or says how to install it. */
final class NatsServerBinary {

    private NatsServerBinary() {
    }

    static String find() {
        List<Path> candidates = new ArrayList<>();
        String explicit = System.getenv("NATS_SERVER");
        if (explicit != null && !explicit.isBlank()) {
            candidates.add(Path.of(explicit));
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, "nats-server"));
            }
        }
        candidates.add(Path.of("/usr/sbin/nats-server")); // Debian's package installs it here
        candidates.add(Path.of("/usr/local/bin/nats-server"));
        return candidates.stream()
                .filter(Files::isExecutable)
                .findFirst()
                .map(Path::toString)
                .orElseThrow(() -> new IllegalStateException(
                        "nats-server is not installed. Install it with: sudo apt-get install -y nats-server"
                                + " (or set NATS_SERVER to its path)"));
    }
}
