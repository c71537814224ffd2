package io.natrix;

import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.nats.client.support.Status;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads what a NATS server sends on one socket and hands each protocol message on as it is parsed, on the
 * thread that reads: messages parsed from the bytes in place (subject and sid read where they lie, the sid an
 * index), no queue in between. A message becomes a jnats {@link NatsMessage}, so what natrix does with a message
 * is the same whichever connection read it; a status message (a request nobody answers: 503) says so through
 * {@link io.nats.client.Message#isStatusMessage}.
 */
final class CoreReader {

    /** What the reader found, called on its thread in the order the server sent it. */
    interface Events {
        void message(int sid, NatsMessage message);

        void ping();

        void pong();

        void info(String json);

        /** A {@code -ERR}, its text without the quotes. */
        void error(String text);
    }

    private static final String STATUS_LINE = "NATS/1.0";

    private final InputStream in;
    private final Events events;
    private byte[] buffer = new byte[1 << 16];
    private int start;
    private int end;

    CoreReader(InputStream in, Events events) {
        this.in = in;
        this.events = events;
    }

    /**
     * Reads until the stream ends or fails, or until another thread takes the reading over from this one (a
     * virtual thread held it: {@link ReaderWatch}); returns true at the stream's end, false when another thread reads
     * on from where this one stopped.
     */
    boolean run() throws IOException {
        // the loop's body is a method of its own, compiled once called a few thousand times: a loop is compiled
        // in place only after tens of thousands of iterations, and at one caller's pace (a read per round trip)
        // the reader's body ran interpreted for its first 14 s (issue 15)
        Read read;
        do {
            read = readOnce();
        } while (read == Read.ON);
        return read == Read.END;
    }

    private enum Read { ON, END, TAKEN_OVER }

    /** One read from the socket and every whole message it completes. */
    private Read readOnce() throws IOException {
        if (start > 0 && start == end) {
            start = end = 0;
        }
        if (end == buffer.length) {
            if (start > 0) {
                System.arraycopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            } else {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
        }
        int read = in.read(buffer, end, buffer.length - end);
        if (read < 0) {
            return Read.END;
        }
        end += read;
        parse(); // if it fails, the thread it woke goes to the carriers when the reader leaves
        // the virtual thread this read woke last, here rather than on a carrier
        return ReaderAsCarrier.runNext(in) ? Read.ON : Read.TAKEN_OVER;
    }

    /** Handles every whole protocol message in the buffer; leaves {@code start} at the first partial one. */
    private void parse() throws IOException {
        while (start < end) {
            int lineEnd = indexOfCrlf(start);
            if (lineEnd < 0) {
                return;
            }
            byte first = buffer[start];
            if (first == 'M' || first == 'H') {
                if (!message(lineEnd, first == 'H')) {
                    return; // its payload is not all here yet
                }
            } else {
                control(lineEnd);
                start = lineEnd + 2;
            }
        }
    }

    /** {@code MSG subject sid [reply] size} or {@code HMSG subject sid [reply] hsize size}; false if not all read. */
    private boolean message(int lineEnd, boolean withHeaders) throws IOException {
        int subjectStart = start + (withHeaders ? 5 : 4);
        int subjectEnd = indexOf((byte) ' ', subjectStart, lineEnd);
        int sidEnd = indexOf((byte) ' ', subjectEnd + 1, lineEnd);
        int sizeStart = lastIndexOf((byte) ' ', sidEnd, lineEnd) + 1;
        int size = number(sizeStart, lineEnd);
        int headerSize = 0;
        int replyEnd = sizeStart - 1;
        if (withHeaders) {
            int headerSizeStart = lastIndexOf((byte) ' ', sidEnd, sizeStart - 1) + 1;
            headerSize = number(headerSizeStart, sizeStart - 1);
            replyEnd = headerSizeStart - 1;
        }
        if (subjectEnd >= lineEnd || sidEnd >= lineEnd || headerSize > size || size < 0) {
            throw new IOException("malformed message from the server: " + text(start, lineEnd));
        }
        int payloadStart = lineEnd + 2;
        if (payloadStart + size + 2 > end) {
            if (payloadStart + size + 2 > buffer.length && start == 0) {
                buffer = Arrays.copyOf(buffer, payloadStart + size + 2);
            }
            return false;
        }
        String subject = text(subjectStart, subjectEnd);
        String replyTo = replyEnd > sidEnd ? text(sidEnd + 1, replyEnd) : null;
        int sid = number(subjectEnd + 1, sidEnd);
        byte[] data = Arrays.copyOfRange(buffer, payloadStart + headerSize, payloadStart + size);
        NatsMessage message;
        if (withHeaders) {
            Headers headers = new ReceivedHeaders(Arrays.copyOfRange(buffer, payloadStart, payloadStart + headerSize));
            int statusEnd = indexOfCrlf(payloadStart);
            int code = status(payloadStart, statusEnd);
            message = code == 0 ? new NatsMessage(subject, replyTo, headers, data)
                    : new StatusMessage(subject, replyTo, headers, data, code, description(payloadStart, statusEnd));
        } else {
            message = new NatsMessage(subject, replyTo, null, data);
        }
        start = payloadStart + size + 2;
        events.message(sid, message);
        return true;
    }

    /** The code of a status line ({@code NATS/1.0 503}), or 0 when it has none ({@code NATS/1.0}). */
    private int status(int from, int lineEnd) {
        if (lineEnd <= from + STATUS_LINE.length()) {
            return 0;
        }
        int codeStart = from + STATUS_LINE.length() + 1;
        return Math.max(0, number(codeStart, indexOf((byte) ' ', codeStart, lineEnd)));
    }

    /** The words after a status line's code ({@code NATS/1.0 503 No Responders}), or "" when it has none. */
    private String description(int from, int lineEnd) {
        int codeStart = from + STATUS_LINE.length() + 1;
        int space = indexOf((byte) ' ', codeStart, lineEnd);
        return space < lineEnd ? text(space + 1, lineEnd).strip() : "";
    }

    private void control(int lineEnd) {
        byte first = buffer[start];
        if (first == 'P' && buffer[start + 1] == 'I') {
            events.ping();
        } else if (first == 'P' && buffer[start + 1] == 'O') {
            events.pong();
        } else if (first == 'I') {
            events.info(text(start + 5, lineEnd));
        } else if (first == '-') {
            String text = text(start + 5, lineEnd).strip(); // -ERR 'text'
            if (text.length() >= 2 && text.charAt(0) == '\'') {
                text = text.substring(1, text.length() - 1);
            }
            events.error(text);
        }
        // +OK: nothing to do (the connection is not verbose)
    }

    private String text(int from, int to) {
        return new String(buffer, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private int indexOfCrlf(int from) {
        for (int i = from; i < end - 1; i++) {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == b) {
                return i;
            }
        }
        return to;
    }

    private int lastIndexOf(byte b, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (buffer[i] == b) {
                return i;
            }
        }
        return from;
    }

    private int number(int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            int digit = buffer[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            n = n * 10 + digit;
        }
        return n;
    }

    /** A server's status answer (503: no responders); jnats's own class for it is not public. */
    static final class StatusMessage extends NatsMessage {
        private final Status status;

        StatusMessage(String subject, String replyTo, Headers headers, byte[] data, int code, String description) {
            super(subject, replyTo, headers, data);
            // nats-server sends "503" alone; jnats names it, and its isNoResponders() checks the name
            this.status = new Status(code, description.isEmpty() && code == Status.NO_RESPONDERS_CODE
                    ? Status.NO_RESPONDERS_TEXT : description);
        }

        @Override
        public boolean isStatusMessage() {
            return true;
        }

        @Override
        public Status getStatus() {
            return status;
        }
    }
}
