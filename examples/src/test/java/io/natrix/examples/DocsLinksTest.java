package io.natrix.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every relative link in the repository's Markdown points at a file that exists. */
class DocsLinksTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");

    @Test
    void relativeLinksInMarkdownResolve() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> broken = new ArrayList<>();
        List<Path> documents;
        try (Stream<Path> files = Files.walk(root)) {
            documents = files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/")
                            && !p.toString().contains("/node_modules/"))
                    .toList();
        }
        for (Path document : documents) {
            Matcher link = LINK.matcher(Files.readString(document));
            while (link.find()) {
                String target = link.group(1);
                if (target.contains("://") || target.startsWith("mailto:")) {
                    continue;
                }
                if (!Files.exists(document.getParent().resolve(target))) {
                    broken.add(root.relativize(document) + " -> " + target);
                }
            }
        }
        assertThat(documents).as("the README is among the documents checked").anyMatch(p -> p.endsWith("README.md"));
        assertThat(broken).as("broken links").isEmpty();
    }
}
