package io.natrix.ride.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ./natrix demo --regions 2 --write-config DIR --hosts ...}: the regions demo for real hosts, written, not
 * started. Each nats-server config passed {@code nats-server -t} as it was written; the services' scripts are
 * valid bash and start every role of each region with its region, the regions, its own NATS identity and the
 * region's servers (the south's gateway through the leaf node).
 */
class RegionsConfigTest {

    @TempDir
    Path dir;

    @Test
    void theSystemForFiveHostsIsWrittenAndEveryNatsConfigPassesTheServersCheck() throws Exception {
        RegionsConfig.write(dir, "south=10.0.1.1,10.0.1.2;north=10.0.2.1,10.0.2.2;leaf=10.0.3.1", false);
        try (var files = Files.list(dir.resolve("nats"))) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                    .containsExactly("leaf-south.conf", "north-1.conf", "north-2.conf", "south-1.conf", "south-2.conf");
        }
        assertThat(Files.readString(dir.resolve("nats/south-1.conf"))).contains("listen: 10.0.1.1:4222", "@10.0.2.1:7222", "tls {");
        String south = Files.readString(dir.resolve("services/south.sh"));
        for (String role : List.of("users", "geo", "eta-quick", "eta-careful", "dispatch", "dashboard", "gateway")) {
            assertThat(south).contains("io.natrix.ride.ServiceMain " + role + " ");
        }
        assertThat(south).contains("export NATRIX_REGION=south", "NATRIX_GEO_REGIONS='south:", "tls://10.0.1.1:4222,tls://10.0.1.2:4222",
                "ServiceMain gateway 'tls://10.0.3.1:4222' 8080", "-Dnatrix.nats.creds=" + dir.resolve("keys/nats/dispatch.nk"));
        assertThat(Files.readString(dir.resolve("services/north.sh"))).doesNotContain("ServiceMain dashboard")
                .contains("ServiceMain gateway 'tls://10.0.2.1:4222,tls://10.0.2.2:4222' 8080");
        for (String region : List.of("south", "north")) {
            Process check = new ProcessBuilder("bash", "-n", dir.resolve("services/" + region + ".sh").toString())
                    .redirectErrorStream(true).start();
            assertThat(check.waitFor()).as(new String(check.getInputStream().readAllBytes())).isZero();
        }
        assertThat(Files.readString(dir.resolve("README.md"))).contains("nats-server -t", "10.0.3.1");
    }

    @Test
    void hostsThatDoNotNameBothRegionsAndTheLeafAreRefused() {
        assertThatThrownBy(() -> RegionsConfig.write(dir, "south=10.0.1.1,10.0.1.2;leaf=10.0.3.1", true))
                .hasMessageContaining("south, of north and of the leaf node");
        assertThatThrownBy(() -> RegionsConfig.write(dir, "south", true)).hasMessageContaining("region=host,host");
    }
}
