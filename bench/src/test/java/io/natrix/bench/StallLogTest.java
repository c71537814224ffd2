package io.natrix.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A requester's slow calls, one run after another, in the format the Go peer writes too. */
class StallLogTest {

    @Test
    void logsOnlyCallsOverOneMillisecondUnderTheirRun(@TempDir Path folder) throws Exception {
        StallLog log = StallLog.in(folder);
        long before = StallLog.epochNanos();
        log.call(999_000);
        log.call(2_500_000);
        log.endRun("natrix call (byte[])", before);
        log.endRun("natrix call (byte[])", StallLog.epochNanos());

        List<String> lines = Files.readAllLines(log.file());
        assertThat(lines).hasSize(3);
        String[] run = lines.get(0).split(" ");
        assertThat(run[0]).isEqualTo("run");
        assertThat(run[1]).isEqualTo("natrix_call_(byte[])");
        long first = Long.parseLong(run[2]);
        long last = Long.parseLong(run[3]);
        String[] call = lines.get(1).split(" ");
        assertThat(Long.parseLong(call[0])).isBetween(first, last);
        assertThat(call[1]).isEqualTo("2500000");
        assertThat(lines.get(2)).startsWith("run natrix_call_(byte[]) "); // the second run had no slow call
    }
}
