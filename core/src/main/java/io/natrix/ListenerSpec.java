package io.natrix;

import java.util.Objects;

/** What one listener needs: the subject, the event type, the code, and whether instances share events. */
record ListenerSpec<E>(String subject, Class<E> eventType, Listener<E> listener, boolean balanced) {
    ListenerSpec {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(listener, "listener");
    }
}
