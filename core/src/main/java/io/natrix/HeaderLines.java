package io.natrix;

import java.nio.charset.StandardCharsets;

/**
 * Headers as NATS carries them ({@code NATS/1.0}, then {@code Name: value} lines, then a blank line), written
 * straight to the bytes the core connection sends: no map of lists per message, which was a quarter of what a
 * round trip allocated when natrix built jnats's {@code Headers} for every request. Names and values are
 * checked as jnats checks them: printable ASCII.
 */
final class HeaderLines {

    private final StringBuilder text = new StringBuilder(96).append("NATS/1.0\r\n");
    private boolean empty = true;

    HeaderLines add(String name, String value) {
        if (!isToken(name)) {
            throw new IllegalArgumentException("a header name is printable ASCII without ':' or spaces, got '" + name + "'");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < ' ' && c != '\t') || c >= 127) { // as jnats checks them: NATS headers are ASCII, as HTTP's
                throw new IllegalArgumentException("the value of header " + name + " holds a character NATS headers "
                        + "do not carry (printable ASCII only): 0x" + Integer.toHexString(c));
            }
        }
        text.append(name).append(": ").append(value).append("\r\n");
        empty = false;
        return this;
    }

    /** The bytes to send, or null when no header was added (a message without headers). */
    byte[] bytes() {
        return empty ? null : text.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || c == ':') {
                return false;
            }
        }
        return true;
    }
}
