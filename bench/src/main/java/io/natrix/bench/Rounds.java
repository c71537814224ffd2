package io.natrix.bench;

import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Rounds of one cell and their median. The count must be odd, so the median is one of the rounds as measured
 * (of two rounds, "the median" would be the better one); the range over rounds is quoted beside it.
 */
final class Rounds {

    private Rounds() {
    }

    static int requireOdd(int rounds) {
        if (rounds < 1 || rounds % 2 == 0) {
            throw new IllegalArgumentException("--rounds must be odd (1, 3, 5, ...) so that the median is a round as"
                    + " measured, not the better of two; got " + rounds);
        }
        return rounds;
    }

    /** The round whose {@code by} is the median of the rounds'. */
    static <T> T median(List<T> rounds, ToDoubleFunction<T> by) {
        requireOdd(rounds.size());
        return rounds.stream().sorted(Comparator.comparingDouble(by)).toList().get(rounds.size() / 2);
    }

    /** {@code min–max} of {@code by} over the rounds, formatted with {@code format} (one round: its value). */
    static <T> String range(List<T> rounds, ToDoubleFunction<T> by, String format) {
        double min = rounds.stream().mapToDouble(by).min().orElse(Double.NaN);
        double max = rounds.stream().mapToDouble(by).max().orElse(Double.NaN);
        return rounds.size() == 1 ? String.format(format, min) : String.format(format, min) + "–" + String.format(format, max);
    }
}
