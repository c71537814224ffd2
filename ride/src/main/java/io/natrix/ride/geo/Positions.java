package io.natrix.ride.geo;

import com.fasterxml.jackson.databind.ObjectReader;
import io.natrix.Natrix;
import io.natrix.ride.geo.GeoMessages.DriverPosition;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reads one message on {@code ms.geo.UpdatePoint.>}: a single position (a driver's own publish on
 * {@code ms.geo.UpdatePoint.<driverId>}) or a gateway's batch ({@link GeoApi#BATCHES}), one position per line.
 * Both are NDJSON to this reader, a single position being a batch of one.
 */
public final class Positions {

    /** Every geo instance reads every position: with natrix's own mapper (fast numbers, a shared buffer pool). */
    private static final ObjectReader READER = Natrix.defaultObjectMapper().readerFor(DriverPosition.class);

    private Positions() {
    }

    /**
     * Hands every good position of {@code message} to {@code each}, in order; a bad line is skipped and does not
     * cost the others.
     *
     * @throws IllegalArgumentException after the good ones, when some lines were bad: how many, and the first
     *                                  one's problem (a listener counts and logs it as a failure)
     */
    public static int each(byte[] message, Consumer<DriverPosition> each) {
        int read = 0;
        int bad = 0;
        String firstProblem = null;
        int start = 0;
        while (start < message.length) {
            int end = start;
            while (end < message.length && message[end] != '\n') {
                end++;
            }
            if (!blank(message, start, end)) {
                try {
                    each.accept(READER.readValue(message, start, end - start));
                    read++;
                } catch (IOException | IllegalArgumentException e) {
                    bad++;
                    if (firstProblem == null) {
                        firstProblem = e.getMessage();
                    }
                }
            }
            start = end + 1;
        }
        if (bad > 0) {
            throw new IllegalArgumentException(bad + " of " + (read + bad) + " positions refused; the first: " + firstProblem);
        }
        return read;
    }

    private static boolean blank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r') {
                return false;
            }
        }
        return true;
    }
}
