package io.natrix.gateway;

import io.natrix.Natrix;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The batches of one batched publish route ({@link StreamRoute.Batching}): one on its subject, or, when the route
 * names each event's batches ({@link StreamRoute#batchedBy}), one per subject named so far, made as first named.
 */
final class RoutedBatches implements AutoCloseable {

    private final Natrix natrix;
    private final StreamRoute.Batching batching;
    private final int maxBytes;
    private final String prefix; // every subject the route names must start with it
    private final Map<String, EventBatches> bySubject = new ConcurrentHashMap<>();
    private final EventBatches only;
    private volatile boolean closed;

    RoutedBatches(Natrix natrix, StreamRoute.Batching batching, int maxBytes) {
        this.natrix = natrix;
        this.batching = batching;
        this.maxBytes = maxBytes;
        this.prefix = batching.subject() + ".";
        this.only = batching.by().isPresent() ? null : new EventBatches(natrix, batching.subject(), batching.every(), maxBytes);
    }

    /** Adds one encoded event to its batches; false once closed; a route that refuses the event throws. */
    boolean add(byte[] event) {
        if (only != null) {
            return only.add(event);
        }
        List<String> subjects;
        try {
            subjects = batching.by().orElseThrow().of(event);
        } catch (RuntimeException refused) { // the route's words for a bad event, said to its client
            throw new IllegalArgumentException(refused.getMessage(), refused);
        }
        if (subjects.isEmpty()) {
            throw new IllegalArgumentException("no batch for this event");
        }
        for (String subject : subjects) {
            if (!subject.startsWith(prefix)) {
                throw new IllegalArgumentException("the route may publish under " + batching.subject() + " only, not on " + subject);
            }
        }
        boolean added = true;
        for (String subject : subjects) {
            EventBatches batches = bySubject.computeIfAbsent(subject, s -> new EventBatches(natrix, s, batching.every(), maxBytes));
            added &= batches.add(event);
        }
        if (closed) { // a batch made as the route closed: closed too, with what it holds
            close();
        }
        return added;
    }

    /** Publishes what every batch holds and stops their senders. */
    @Override
    public void close() {
        closed = true;
        if (only != null) {
            only.close();
        }
        bySubject.values().forEach(EventBatches::close);
    }
}
