package io.natrix;

/** What one endpoint needs: its name, the request type, the handler, and how it subscribes. */
record EndpointSpec<Q, R>(String name, Class<Q> requestType, Handler<Q, R> handler, EndpointOptions options) {
}
