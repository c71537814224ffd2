package io.natrix.gateway;

/** What serves a matched route: a request/reply call, an ingest stream, a subscription or a polling stream. */
interface Forwarder {

    /** Serves the exchange on its virtual thread; throws {@link HttpProblem} for an error answer. */
    void serve(Exchange exchange) throws Exception;
}
