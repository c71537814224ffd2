package io.natrix.gateway;

import java.nio.charset.StandardCharsets;

/**
 * The moment a poll stream asked, written into each answer as {@code "askedAt"} (milliseconds since the epoch),
 * so a client can tell how old an answer is from the moment the question left the edge: the time of the whole
 * round (the services' own work, queues and retries included), not only of the way back. The answer is spliced,
 * not parsed: a JSON object gets the field in front; any other JSON value is left as it is.
 */
final class AskedAt {

    private static final byte[] FIELD = "{\"askedAt\":".getBytes(StandardCharsets.US_ASCII);

    private AskedAt() {
    }

    static byte[] stamp(byte[] answer, long askedAtMillis) {
        int open = skipSpace(answer, 0);
        if (open == answer.length || answer[open] != '{') {
            return answer;
        }
        int first = skipSpace(answer, open + 1);
        boolean empty = first < answer.length && answer[first] == '}';
        byte[] millis = Long.toString(askedAtMillis).getBytes(StandardCharsets.US_ASCII);
        int rest = answer.length - open - 1;
        byte[] stamped = new byte[FIELD.length + millis.length + (empty ? 0 : 1) + rest];
        System.arraycopy(FIELD, 0, stamped, 0, FIELD.length);
        System.arraycopy(millis, 0, stamped, FIELD.length, millis.length);
        int at = FIELD.length + millis.length;
        if (!empty) {
            stamped[at++] = ',';
        }
        System.arraycopy(answer, open + 1, stamped, at, rest);
        return stamped;
    }

    private static int skipSpace(byte[] json, int from) {
        int at = from;
        while (at < json.length && (json[at] == ' ' || json[at] == '\t' || json[at] == '\n' || json[at] == '\r')) {
            at++;
        }
        return at;
    }
}
