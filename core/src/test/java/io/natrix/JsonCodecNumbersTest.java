package io.natrix;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The default codec reads numbers with Jackson's fast parser: every double it reads is the one the JDK reads. */
class JsonCodecNumbersTest {

    record Point(double lat, double lng) {
    }

    @Test
    void fastParserReadsTheSameDoublesAsTheJdk() {
        JsonCodec codec = new JsonCodec(JsonCodec.defaultMapper());
        Random random = new Random(8);
        for (int i = 0; i < 100_000; i++) {
            String lat = switch (i % 4) {
                case 0 -> Double.toString(random.nextDouble() * 180 - 90);
                case 1 -> Double.toString(Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL));
                case 2 -> String.format("%.17f", random.nextDouble());
                default -> (random.nextInt(2_000_000) - 1_000_000) + "." + random.nextInt(1000) + "e" + (random.nextInt(600) - 300);
            };
            String lng = "0." + random.nextLong(Long.MAX_VALUE) + random.nextLong(Long.MAX_VALUE); // past 17 digits
            Point read = codec.decode(("{\"lat\":" + lat + ",\"lng\":" + lng + "}").getBytes(StandardCharsets.UTF_8), Point.class);
            assertThat(read.lat()).as(lat).isEqualTo(Double.parseDouble(lat));
            assertThat(read.lng()).as(lng).isEqualTo(Double.parseDouble(lng));
        }
    }
}
