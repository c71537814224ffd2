package io.natrix.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The peers' CSV is read back as it was written, whatever commas a peer's name holds, old files included. */
class PeerChartsTest {

    @Test
    void aPeerNamedWithACommaReadsBack(@TempDir Path folder) throws Exception {
        PeersBench.Cell written = new PeersBench.Cell("natrix call (byte[], non-blocking endpoint)", 1, 16, 5225,
                182, 1917, 6160, 277, 0, 2.44, 0.52, 0.77, 1.15, "5,114–5,537", 1900, 17);
        Path csv = folder.resolve("peers.csv");
        PeerCharts.writeCsv(List.of(written), csv);

        List<String> lines = Files.readAllLines(csv);
        PeersBench.Cell read = PeerCharts.cell(lines.get(1), lines.get(0).split(",").length);

        assertThat(read.peer()).isEqualTo("natrix call (byte[], non-blocking endpoint)");
        assertThat(read.perSecond()).isEqualTo(5225);
        assertThat(read.perSecondRange()).isEqualTo("5114–5537");
        assertThat(read.roundsP99Micros()).isEqualTo(1900);
        assertThat(read.slowCalls()).isEqualTo(17);
    }

    @Test
    void aFileFromBeforeTheRoundsColumnsReads() {
        String header = "peer,callers,payload_bytes,req_per_s,p50_us,p99_us,p999_us,recorded_p99_us,errors,cpu_s_per_10k,"
                + "requester_cpu_s_per_10k,responder_cpu_s_per_10k,nats_cpu_s_per_10k,req_per_s_over_rounds";
        PeersBench.Cell read = PeerCharts.cell("natrix call (byte[], non-blocking endpoint),1,16,5225,182,1917,6160,277,0,"
                + "2.440,0.520,0.770,1.150,5114–5537", header.split(",").length);

        assertThat(read.peer()).isEqualTo("natrix call (byte[], non-blocking endpoint)");
        assertThat(read.roundsP99Micros()).isEqualTo(1917); // the median round's, the only one such files have
        assertThat(read.slowCalls()).isNaN();
    }
}
