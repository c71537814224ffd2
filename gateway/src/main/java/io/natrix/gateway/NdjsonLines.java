package io.natrix.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads newline-separated lines from a body as they arrive, never holding more than one line of at most
 * {@code maxLineBytes}; a longer line is reported as too long and skipped up to its newline.
 */
final class NdjsonLines {

    /** One line: its number, its bytes (without the newline), or the fact that it was too long. */
    record Line(long number, byte[] bytes, boolean tooLong) {
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[8192];
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private int position;
    private int limit;
    private long number;
    private boolean overflow;

    NdjsonLines(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line, or null at the end of the body. Blocks until a whole line has arrived. */
    Line next() throws IOException {
        while (true) {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                if (limit < 0) {
                    limit = 0;
                    return current.size() > 0 || overflow ? take() : null;
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            append(start, position - start);
            if (position < limit) {
                position++; // the newline
                return take();
            }
        }
    }

    private void append(int start, int length) {
        if (overflow || length == 0) {
            return;
        }
        if (current.size() + length > maxLineBytes) {
            overflow = true;
            current.reset();
        } else {
            current.write(buffer, start, length);
        }
    }

    private Line take() {
        number++;
        Line line = new Line(number, overflow ? new byte[0] : current.toByteArray(), overflow);
        current.reset();
        overflow = false;
        return line;
    }
}
