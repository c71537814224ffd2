package io.natrix.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code io.natrix:natrix-bom} is what a project outside this repository needs: it names every library module at the
 * project's version and the libraries' versions the build uses, and a project that imports it, in a folder of its
 * own, builds offline against the local repository ({@code ./mvnw install} put everything there).
 */
class BomTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** The modules a project depends on; the others (cli, ride, examples, bench) are programs, not libraries. */
    private static final List<String> LIBRARIES = List.of("core", "gateway", "metrics", "tracing", "test-kit",
            "spring-boot-starter");

    @Test
    void theBomNamesEveryLibraryAtTheProjectsVersionAndTheBuildsLibraryVersions() throws IOException {
        String root = Files.readString(ROOT.resolve("pom.xml"));
        String bom = Files.readString(ROOT.resolve("bom/pom.xml"));
        String version = first(root, "<version>([^<]+)</version>");
        assertThat(first(bom, "<artifactId>natrix-bom</artifactId>\\s*<version>([^<]+)</version>")).isEqualTo(version);
        for (String module : LIBRARIES) {
            assertThat(bom).as(module).containsPattern("<artifactId>natrix-" + module + "</artifactId>\\s*<version>"
                    + Pattern.quote(version) + "</version>");
        }
        for (String library : List.of("jnats", "helidon")) {
            String property = "<" + library + ".version>([^<]+)</" + library + ".version>";
            assertThat(first(bom, property)).as(library + " in the BOM and in the build").isEqualTo(first(root, property));
        }
        // a platform's (Spring Boot's BOM's) versions of these must stand in an application that imports this BOM
        assertThat(bom).doesNotContain("<artifactId>jackson-bom</artifactId>", "<artifactId>micrometer-bom</artifactId>",
                "<artifactId>opentelemetry-bom</artifactId>", "<groupId>org.slf4j</groupId>");
    }

    @Test
    void aProjectOfItsOwnBuildsAgainstTheBomOffline(@TempDir Path project) throws Exception {
        String version = first(Files.readString(ROOT.resolve("bom/pom.xml")), "<artifactId>natrix-bom</artifactId>\\s*<version>([^<]+)</version>");
        Files.writeString(project.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>rides-elsewhere</artifactId>
                  <version>1.0</version>
                  <properties>
                    <maven.compiler.release>25</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencyManagement>
                    <dependencies>
                      <dependency>
                        <groupId>io.natrix</groupId>
                        <artifactId>natrix-bom</artifactId>
                        <version>%s</version>
                        <type>pom</type>
                        <scope>import</scope>
                      </dependency>
                    </dependencies>
                  </dependencyManagement>
                  <dependencies>
                    <dependency>
                      <groupId>io.natrix</groupId>
                      <artifactId>natrix-core</artifactId>
                    </dependency>
                    <dependency>
                      <groupId>io.natrix</groupId>
                      <artifactId>natrix-gateway</artifactId>
                    </dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.16.0</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>3.6.1</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-jar-plugin</artifactId><version>3.5.1</version></plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(version));
        Path source = project.resolve("src/main/java/com/example/Where.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, """
                package com.example;

                import io.natrix.Natrix;
                import io.natrix.gateway.Gateway;

                /** A service that says where it runs, and the gateway's type: compiled against the BOM's versions. */
                public final class Where {
                    public static void main(String[] args) {
                        try (Natrix natrix = Natrix.builder().servers(args[0]).connect()) {
                            natrix.service("where").endpoint("Where", String.class, ignored -> "here").start();
                            System.out.println(Gateway.class.getSimpleName());
                        }
                    }
                }
                """);
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("mvnw").toString(), "-o", "-B", "-q", "-f",
                project.resolve("pom.xml").toString(), "package"));
        ProcessBuilder build = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        build.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process maven = build.start();
        String output = new String(maven.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(maven.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(maven.exitValue()).as(output).isZero();
        assertThat(project.resolve("target/rides-elsewhere-1.0.jar")).exists();
    }

    private static String first(String text, String regex) {
        Matcher match = Pattern.compile(regex).matcher(text);
        assertThat(match.find()).as(regex).isTrue();
        return match.group(1);
    }
}
