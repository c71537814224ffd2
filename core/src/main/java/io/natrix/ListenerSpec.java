package io.natrix;

import java.util.Objects;

/** What one listener needs: the subject, the event type, the code, whether instances share events, and how it takes them. */
record ListenerSpec<E>(String subject, Class<E> eventType, Listener<E> listener, boolean balanced, ListenerOptions options) {
    ListenerSpec {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(listener, "listener");
    }
}
