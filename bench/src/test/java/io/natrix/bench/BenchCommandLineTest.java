package io.natrix.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A bad bench command line is said in a line, with exit code 2, before anything starts; never a stack trace. */
class BenchCommandLineTest {

    @Test
    void aBadOptionIsSaidInALineWithWhereTheOptionsAre() throws Exception {
        assertThat(errorOf("peers", "--rounds")).startsWith("natrix bench: option --rounds needs a value")
                .contains("./natrix bench peers --help");
        assertThat(errorOf("peers", "--bogus", "1")).startsWith("natrix bench: unknown option --bogus");
        assertThat(errorOf("ride", "fleet", "--ingest", "carrier-pigeon")).startsWith("natrix bench: --ingest is loop or gateway");
        assertThat(errorOf("core", "--seconds")).startsWith("natrix bench: option --seconds needs a value");
        assertThat(errorOf("ride", "fleet", "--steps", "1000:250,5")).startsWith("natrix bench: a step is DRIVERS:RIDERS, e.g. 4000:1000, got '5'");
    }

    private static String errorOf(String... args) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(Bench.run(args, new PrintStream(err, true, StandardCharsets.UTF_8))).as("exit code").isEqualTo(2);
        return err.toString(StandardCharsets.UTF_8);
    }
}
