package io.natrix.gateway;

import io.helidon.http.Headers;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** The request id: the client's {@code X-Request-Id} when it is sane, else a new random 128-bit hex id. */
final class RequestIds {

    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {
    }

    /** The id of a request (an HTTP call, a WebSocket upgrade) with these headers. */
    static String from(Headers headers) {
        return headers.first(GatewayHandler.REQUEST_ID).filter(RequestIds::sane).orElseGet(RequestIds::random);
    }

    static boolean sane(String id) {
        return SANE.matcher(id).matches();
    }

    static String random() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextLong());
    }
}
