package io.natrix.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A project of a Java team's own, outside this repository: one service with an endpoint and a listener, its typed
 * contract, a test on the test kit's real nats-server, its own {@code ./run} and {@code ./test}, and Maven through a
 * wrapper. Written from the templates beside this class, with this build's versions ({@code versions.properties},
 * filled in by the build).
 */
final class NewProject {

    /** Each template, and where it goes in the project ({@code @packagePath@} and {@code @Name@} filled in). */
    private static final Map<String, String> FILES = files();

    private final String name;
    private final String javaPackage;

    /**
     * @param name        the service's name: lower-case letters, digits and '-', starting with a letter ({@code fares})
     * @param javaPackage the Java package of its classes ({@code com.example.fares})
     */
    NewProject(String name, String javaPackage) {
        if (!name.matches("[a-z][a-z0-9-]{0,39}")) {
            throw new IllegalArgumentException("a service's name is lower-case letters, digits and '-', starting with a letter"
                    + " (it names subjects: ms.<name>.<Endpoint>); got '" + name + "'");
        }
        if (!javaPackage.matches("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*")) {
            throw new IllegalArgumentException("not a Java package name: '" + javaPackage + "'");
        }
        this.name = name;
        this.javaPackage = javaPackage;
    }

    /** The package a service of this name gets when none is given: {@code com.example.<name without '-'>}. */
    static String defaultPackage(String name) {
        return "com.example." + name.replace("-", "");
    }

    /** {@code ride-quotes} → {@code RideQuotes}: the prefix of the classes. */
    String className() {
        return Arrays.stream(name.split("-")).map(part -> Character.toUpperCase(part.charAt(0)) + part.substring(1))
                .collect(Collectors.joining());
    }

    /**
     * Writes the project into {@code dir} (missing or empty), its Maven wrapper copied from {@code natrix} (this
     * checkout's root); returns the files written.
     */
    java.util.List<Path> write(Path dir, Path natrix) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> inside = Files.list(dir)) {
                if (inside.findAny().isPresent()) {
                    throw new IllegalArgumentException(dir + " is not empty: a new project goes into a folder of its own");
                }
            }
        }
        Map<String, String> values = values();
        java.util.List<Path> written = new java.util.ArrayList<>();
        for (Map.Entry<String, String> file : FILES.entrySet()) {
            Path target = dir.resolve(fill(file.getValue(), values));
            Files.createDirectories(target.getParent());
            Files.writeString(target, fill(template(file.getKey()), values));
            written.add(target);
        }
        Path wrapper = dir.resolve(".mvn/wrapper/maven-wrapper.properties");
        Files.createDirectories(wrapper.getParent());
        Files.copy(natrix.resolve(".mvn/wrapper/maven-wrapper.properties"), wrapper);
        Files.copy(natrix.resolve("mvnw"), dir.resolve("mvnw"));
        written.add(wrapper);
        written.add(dir.resolve("mvnw"));
        for (String command : new String[] {"run", "test", "mvnw"}) {
            Files.setPosixFilePermissions(dir.resolve(command), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return written;
    }

    private Map<String, String> values() {
        Properties versions = new Properties();
        try (InputStream in = NewProject.class.getResourceAsStream("project/versions.properties")) {
            versions.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("@name@", name);
        values.put("@Name@", className());
        values.put("@package@", javaPackage);
        values.put("@packagePath@", javaPackage.replace('.', '/'));
        values.put("@inboxPrefix@", "_INBOX_" + name.replace('-', '_')); // NatsSecurity.User.inboxPrefix's
        values.put("@natrixVersion@", versions.getProperty("natrix"));
        values.put("@junitVersion@", versions.getProperty("junit"));
        values.put("@assertjVersion@", versions.getProperty("assertj"));
        values.put("@slf4jVersion@", versions.getProperty("slf4j"));
        return values;
    }

    private static String fill(String text, Map<String, String> values) {
        String filled = text;
        for (Map.Entry<String, String> value : values.entrySet()) {
            filled = filled.replace(value.getKey(), value.getValue());
        }
        return filled;
    }

    private static String template(String file) throws IOException {
        try (InputStream in = NewProject.class.getResourceAsStream("project/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the template " + file + " is missing from the CLI's build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml.tmpl", "pom.xml");
        files.put("README.md.tmpl", "README.md");
        files.put("run.tmpl", "run");
        files.put("test.tmpl", "test");
        files.put("env.sh.tmpl", "bin/env.sh");
        files.put("gitignore.tmpl", ".gitignore");
        files.put("Api.java.tmpl", "src/main/java/@packagePath@/@Name@Api.java");
        files.put("Service.java.tmpl", "src/main/java/@packagePath@/@Name@Service.java");
        files.put("Main.java.tmpl", "src/main/java/@packagePath@/@Name@Main.java");
        files.put("ServiceTest.java.tmpl", "src/test/java/@packagePath@/@Name@ServiceTest.java");
        files.put("DevServer.java.tmpl", "src/test/java/@packagePath@/@Name@DevServer.java");
        return files;
    }
}
