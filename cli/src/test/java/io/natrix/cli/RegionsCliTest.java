package io.natrix.cli;

import io.natrix.Natrix;
import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsSupercluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code natrix ls} on a secured supercluster of two regions: asked in either region, it lists every instance of
 * both, counted by the region each says it runs in ({@code Natrix.Builder#region}).
 */
class RegionsCliTest {

    @TempDir
    Path keys;

    @Test
    void lsInEitherRegionShowsEveryServiceWithItsRegions() {
        NatsSecurity security = NatsSecurity.generate(keys, Map.of(NatsSecurity.ADMIN, NatsSecurity.User.admin()));
        try (NatsSupercluster world = NatsSupercluster.start(List.of("east", "west"), 1, Optional.empty(), false,
                Optional.of(security));
             Natrix east = connect(world, "east", security);
             Natrix west = connect(world, "west", security)) {
            east.service("dispatch").endpoint("Request", String.class, r -> r).start();
            west.service("dispatch").endpoint("Request", String.class, r -> r).start();
            west.service("users").metadata(Map.of("team", "accounts")).endpoint("GetUser", String.class, r -> r).start();
            for (String region : world.regions()) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    StringWriter out = new StringWriter();
                    int code = NatrixCli.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "ls",
                            "--nats", world.servers(region), "--creds", security.seed(NatsSecurity.ADMIN).toString(),
                            "--ca", security.ca().toString());
                    assertThat(code).isZero();
                    assertThat(out.toString()).contains("REGIONS")
                            .containsPattern("dispatch\\s+\\S+\\s+2\\s+east:1,west:1\\s")
                            .containsPattern("users\\s+\\S+\\s+1\\s+west:1\\s");
                });
            }
        }
    }

    private static Natrix connect(NatsSupercluster world, String region, NatsSecurity security) {
        return Natrix.builder().servers(world.servers(region)).region(region).shutdownHook(false)
                .drainTimeout(Duration.ofSeconds(1)).credentials(security.seed(NatsSecurity.ADMIN)).trust(security.ca()).connect();
    }
}
