package io.natrix.ride.sim;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./natrix sim} without a gateway: the whole ride system in one process on a nats-server of its own,
 * secured as the demo is (TLS and nkeys, bearer tokens), its simulated apps served without an error, and the keys
 * it made for the run gone when it ends.
 */
class SimMainTest {

    @Test
    void theSimulatorsOwnSystemRunsSecuredWithoutAnErrorAndRemovesItsKeys() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process sim = new ProcessBuilder(java, "--add-opens=java.base/java.lang=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), SimMain.class.getName(),
                "--drivers", "10", "--riders", "3", "--duration", "4s", "--port", "0")
                .redirectErrorStream(true).start();
        String output = new String(sim.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sim.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(sim.exitValue()).as(output).isZero();
        assertThat(output).contains("ride system on tls://127.0.0.1:", "(bearer tokens)", "Authorization: Bearer $TOKEN")
                .containsPattern("summary: 10 drivers, 3 riders online; .* [1-9]\\d* nearby updates .*errors 0");
        Matcher keys = Pattern.compile("keys in (\\S+)\\)").matcher(output);
        assertThat(keys.find()).as(output).isTrue();
        assertThat(Path.of(keys.group(1))).as("the keys made for the run").satisfies(folder -> assertThat(Files.exists(folder)).isFalse());
    }
}
