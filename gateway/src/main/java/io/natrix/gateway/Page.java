package io.natrix.gateway;

import io.helidon.http.HeaderNames;

/** A fixed page the gateway serves on GET: a dashboard's HTML, say. */
record Page(String path, String contentType, byte[] body, Access access) implements Forwarder {

    @Override
    public void serve(Exchange exchange) {
        exchange.response().header(HeaderNames.CONTENT_TYPE, contentType);
        exchange.response().header(HeaderNames.CACHE_CONTROL, "no-cache");
        exchange.response().send(body);
    }
}
