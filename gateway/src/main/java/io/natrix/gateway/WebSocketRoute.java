package io.natrix.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Headers;
import io.nats.client.Subscription;
import io.natrix.RequestContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The WebSocket form of one {@link StreamRoute#publish} route, whichever server reads the socket (Helidon on
 * the gateway's port, the event loop on its ingest port): an upgrade is admitted by the same checks as the
 * route's HTTP form, before anything is published; a route that delivers on its sockets
 * ({@link StreamRoute#deliversOnWebSocket}) subscribes for the socket as it admits it.
 */
record WebSocketRoute(IngestEvents events, PathTemplate path, Access access, Guard guard, HostCheck hosts, StreamCounter streams,
                      ObjectMapper json, Optional<String> delivers, SharedSubscriptions subscriptions) {

    /** Messages a socket keeps for a client that does not read them before the socket is closed. */
    static final int QUEUE = OutboundStream.QUEUE;
    /** Why a socket whose client fell {@link #QUEUE} messages behind is closed: "try again later". */
    static final int FELL_BEHIND = 1013;

    /** The path's parameters, if {@code uriPath} is this route's. */
    Optional<Map<String, String>> match(String uriPath) {
        return path.match(uriPath);
    }

    /**
     * Admits one upgrade to {@code uriPath} (whose parameters {@code match} gave) or refuses it with the status
     * its HTTP form would get: a wrong host or origin, a missing or refused token, a parameter that cannot fill
     * the subject, too many streams ({@code client} names the client's address for an open route's limit).
     * {@code requestId} is the upgrade's ({@link RequestIds#from}), carried with the socket's events. The socket's
     * stream slots, and its subscription if the route delivers, are held until {@link WebSocketEvents#close()};
     * each message delivered goes to {@code outbox}, on the NATS dispatcher every stream shares (it must not block).
     */
    WebSocketEvents admit(String uriPath, Map<String, String> parameters, Headers headers, String requestId, Supplier<String> client,
                          Consumer<byte[]> outbox) {
        hosts.requireHost(headers);
        hosts.requireOrigin(headers);
        Guard.Admitted admitted = guard.admit(access, uriPath, headers, parameters, client);
        IngestEvents.Target target = events.target(admitted.parameters());
        Optional<String> deliveredFrom = delivers.map(subject -> SubjectTemplate.fill(subject, admitted.parameters()));
        StreamCounter.Slot actorStream = guard.streamSlot(admitted.actor());
        StreamCounter.Slot slot;
        try {
            slot = streams.open();
        } catch (HttpProblem tooMany) {
            actorStream.close();
            throw tooMany;
        }
        Map<String, String> carried = new LinkedHashMap<>();
        carried.put(RequestContext.REQUEST_ID, requestId);
        admitted.actor().ifPresent(actor -> carried.put(RequestContext.ACTOR, actor.header()));
        Optional<Subscription> delivering;
        try {
            delivering = deliveredFrom.map(subject -> subscriptions.subscribeForClient(subject,
                    message -> outbox.accept(message.getData())));
        } catch (HttpProblem cannotSubscribe) {
            slot.close();
            actorStream.close();
            throw cannotSubscribe;
        }
        return new WebSocketEvents(events, target, RequestContext.of(carried), json, () -> {
            delivering.ifPresent(subscriptions::unsubscribe);
            slot.close();
            actorStream.close();
        });
    }
}
