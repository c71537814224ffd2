package io.natrix.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code bench peers --huge-pages}: a JVM peer that did not get its heap in huge pages is not measured as if it had. */
class HugePagesTest {

    @Test
    void aJvmThatFindsTooFewHugePagesFreeRunsOnSmallPagesAndTheCheckSaysSo(@TempDir Path dir) throws Exception {
        HugePages.Meminfo host = HugePages.Meminfo.read(Files.readString(Path.of("/proc/meminfo")));
        long tooMany = Math.max(host.sizeKb(), 2048) * (host.available() + 64) / 1024; // MB: more than the host can give
        HugePages pages = HugePages.in(dir);
        List<String> options = pages.jvmOptions().stream()
                .map(option -> option.startsWith("-Xm") ? option.substring(0, 4) + tooMany + "m" : option).toList();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow()));
        command.addAll(new PeersBench.Spawner(new ArrayList<>(), options, Map.of()).jvmOptions("natrix responder"));
        command.add("-version");
        Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
        jvm.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(HugePages.heapPageSize(Files.readString(dir.resolve("natrix-responder.log")))).contains("4K");
        assertThatThrownBy(() -> pages.check("natrix responder"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("natrix responder: its heap is in 4K pages, not huge pages")
                .hasMessageContaining("sysctl -w vm.nr_hugepages=");
    }

    @Test
    void aPeerWithoutALogIsNotTakenForOneInHugePages(@TempDir Path dir) {
        assertThatThrownBy(() -> HugePages.in(dir).check("natrix requester"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("its heap is in unknown pages");
    }

    @Test
    void theHeapsPageSizeIsTheLastTheJvmLogged() {
        String reserved = "[0.011s][info][pagesize] Heap:  min=512M max=512M base=0x00000000e0000000 size=512M page_size=2M\n";
        String fellBack = "[0.009s][info][pagesize] Failed to reserve and commit memory with given page size. req_addr: 0x0 size: 6028M, page size: 2M, (errno = 12)\n"
                + "[0.009s][info][pagesize] Heap:  min=8M max=6028M base=0x0000000687400000 size=6028M page_size=4K\n";

        assertThat(HugePages.heapPageSize(reserved)).contains("2M");
        assertThat(HugePages.heapPageSize(fellBack)).contains("4K");
        assertThat(HugePages.heapPageSize("[0.003s][info][pagesize] Explicit hugepage support:\n")).isEmpty();
    }

    @Test
    void theHostsHugePagesAreReadFromMeminfo() {
        HugePages.Meminfo host = HugePages.Meminfo.read("""
                MemTotal:       24589172 kB
                HugePages_Total:    1024
                HugePages_Free:      250
                HugePages_Rsvd:       40
                Hugepagesize:       2048 kB
                """);

        assertThat(host).isEqualTo(new HugePages.Meminfo(1024, 250, 40, 2048));
        assertThat(host.available()).as("free, less what running JVMs reserved and have not touched").isEqualTo(210);
        assertThat(host.missing()).contains("the host has 210 of 1024 it can still give (2048 kB each)");
    }
}
