package io.natrix.ride;

import io.natrix.ride.harness.RideProcesses;
import io.natrix.testkit.NatsServerProcess;
import io.natrix.testkit.UnassignedPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scripts/attack.sh} against the secured system in the demo's process layout (every service and the
 * gateway a JVM of its own, each its own NATS user over TLS, tokens on HTTP): every impersonation and escalation
 * it tries fails, and the victims' ride and position read back as they left them.
 */
class AttackScriptTest {

    @Test
    void everyAttackFailsAndTheVictimsStateIsUnchanged(@TempDir Path home) throws Exception {
        // the keys and the admin's token in a folder JUnit removes after the test, however it ends
        RideSecurity security = RideSecurity.reuse(home);
        Path adminToken = Files.writeString(home.resolve("admin.token"), security.adminToken());
        NatsServerProcess server = NatsServerProcess.start(1, true, 0, security.nats()).getFirst();
        int port = UnassignedPorts.choose();
        try {
            RideProcesses processes = RideProcesses.start(server.url(), security, 1,
                    new RideProcesses.Layout(1, 1, 1, 1, 1, 1, List.of(port)), "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1");
            try (processes) {
                Process attack = new ProcessBuilder("bash", Path.of("..", "scripts", "attack.sh").toString(),
                        "http://127.0.0.1:" + port, adminToken.toString()).redirectErrorStream(true).start();
                boolean ended = attack.waitFor(120, TimeUnit.SECONDS);
                String output = new String(attack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                System.out.println(output);
                assertThat(ended).as("the attack script ended within 2 minutes").isTrue();
                assertThat(attack.exitValue()).as(output).isZero();
                assertThat(output).contains("every attack failed");
            }
            processes.deleteLogs(); // kept when the test fails, for whoever reads why
        } finally {
            server.stop();
        }
    }
}
