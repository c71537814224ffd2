package io.natrix.gateway;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A poll answer gets the moment it was asked for in front, without being parsed; non-objects are left alone. */
class AskedAtTest {

    static String stamp(String answer) {
        return new String(AskedAt.stamp(answer.getBytes(StandardCharsets.UTF_8), 1_700_000_000_123L), StandardCharsets.UTF_8);
    }

    @Test
    void anObjectGetsTheFieldInFront() {
        assertThat(stamp("{\"drivers\":[]}")).isEqualTo("{\"askedAt\":1700000000123,\"drivers\":[]}");
        assertThat(stamp("  {\"a\":1}")).isEqualTo("{\"askedAt\":1700000000123,\"a\":1}");
    }

    @Test
    void anEmptyObjectGetsNoDanglingComma() {
        assertThat(stamp("{}")).isEqualTo("{\"askedAt\":1700000000123}");
        assertThat(stamp("{ \n}")).isEqualTo("{\"askedAt\":1700000000123 \n}");
    }

    @Test
    void otherValuesAreLeftAsTheyAre() {
        assertThat(stamp("[1,2]")).isEqualTo("[1,2]");
        assertThat(stamp("42")).isEqualTo("42");
        assertThat(stamp("")).isEmpty();
    }
}
