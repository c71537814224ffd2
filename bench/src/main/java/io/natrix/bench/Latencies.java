package io.natrix.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One rule for every latency figure of the request/reply benchmarks, in whatever language the requester is.
 *
 * <p>The loops are closed: a caller sends its next request only when the last one is answered, so a pause (a
 * collector's, a scheduler's) delays one recorded request per caller while the requests the caller would have
 * sent meanwhile are never recorded: coordinated omission. The corrected percentiles add them back as
 * HdrHistogram does ({@link Histogram#copyCorrectedForCoordinatedOmission}), taking the run's own median as each
 * caller's expected interval between requests: a request that took {@code k} medians stands for the {@code k}
 * requests it held back, at {@code v - median}, {@code v - 2·median}, ... The tables quote the corrected ones.
 *
 * <p>Requesters hand their samples over as a file of {@code nanoseconds count} lines, so Go's, Node's and
 * Java's runs are read and corrected by this one class.
 */
final class Latencies {

    /** The longest latency kept: a request answered later than this is recorded at it. */
    static final long HIGHEST_NANOS = Duration.ofSeconds(30).toNanos();

    /** Percentiles of one run, in microseconds, as recorded and corrected for coordinated omission. */
    record Percentiles(double p50, double p99, double p999, double correctedP50, double correctedP99,
                       double correctedP999) {

        /** No sample at all (every call failed): no latency, printed as NaN, never as a flattering 0. */
        static final Percentiles NONE = new Percentiles(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    private Latencies() {
    }

    static Histogram histogram() {
        return new Histogram(HIGHEST_NANOS, 3);
    }

    static Percentiles of(Histogram recorded) {
        if (recorded.getTotalCount() == 0) {
            return Percentiles.NONE;
        }
        long median = recorded.getValueAtPercentile(50);
        Histogram corrected = recorded.copyCorrectedForCoordinatedOmission(Math.max(1, median));
        return new Percentiles(micros(recorded, 50), micros(recorded, 99), micros(recorded, 99.9),
                micros(corrected, 50), micros(corrected, 99), micros(corrected, 99.9));
    }

    private static double micros(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1e3;
    }

    /** Writes every recorded value with its count, one {@code nanoseconds count} line each. */
    static void write(Histogram histogram, Path file) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (HistogramIterationValue value : histogram.recordedValues()) {
                out.write(value.getValueIteratedTo() + " " + value.getCountAtValueIteratedTo() + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a file of {@code nanoseconds count} lines (count optional, 1 when absent). */
    static Histogram read(Path file) throws IOException {
        Histogram histogram = histogram();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                String[] words = line.trim().split("\\s+");
                long nanos = Math.min(HIGHEST_NANOS, Math.max(1, Long.parseLong(words[0])));
                histogram.recordValueWithCount(nanos, words.length > 1 ? Long.parseLong(words[1]) : 1);
            }
        }
        return histogram;
    }
}
