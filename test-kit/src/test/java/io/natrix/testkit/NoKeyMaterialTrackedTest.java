package io.natrix.testkit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * No private key, nkey seed or keystore is ever tracked by git: what the demo generates lives in the
 * git-ignored {@code .natrix/}, and a key committed by mistake fails the build here.
 */
class NoKeyMaterialTrackedTest {

    /** Files that hold keys by their kind. */
    private static final Pattern KEY_FILE = Pattern.compile(".*\\.(nk|creds|p12|pfx|jks|keystore|key|pem)$");
    /**
     * A PEM private key (its header and a line of its body: code that writes the header alone is no key), or an
     * nkey seed (a user's starts with SU, an account's SA, an operator's SO).
     */
    private static final Pattern KEY_TEXT = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----\\s*[A-Za-z0-9+/]{40}"
            + "|\\bS[UAON][A-Z2-7]{56}\\b");

    @Test
    void noTrackedFileHoldsAKey() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Process git = new ProcessBuilder("git", "-C", root.toString(), "ls-files", "-z").redirectErrorStream(true).start();
        String listing = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(git.waitFor() == 0, "not a git checkout (" + listing.strip() + "): nothing is tracked to check");
        List<String> found = new ArrayList<>();
        for (String file : listing.split("\0")) {
            if (file.isEmpty()) {
                continue;
            }
            if (KEY_FILE.matcher(file).matches()) {
                found.add(file + " (a key file)");
                continue;
            }
            Path path = root.resolve(file);
            if (Files.isRegularFile(path) && Files.size(path) < 2_000_000 && KEY_TEXT.matcher(read(path)).find()) {
                found.add(file + " (holds a private key or a seed)");
            }
        }
        assertThat(found).as("tracked key material: remove it from git and rotate it").isEmpty();
        assertThat(Files.readString(root.resolve(".gitignore"))).as("what the demo generates is ignored").contains(".natrix/");
    }

    private static String read(Path path) throws IOException {
        return new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1);
    }
}
