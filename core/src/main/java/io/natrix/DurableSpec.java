package io.natrix;

/** A durable listener as declared on a service builder. */
record DurableSpec<E>(Durable durable, Class<E> eventType, Listener<E> listener) {
}
