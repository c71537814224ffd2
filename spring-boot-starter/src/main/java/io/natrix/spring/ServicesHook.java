package io.natrix.spring;

import io.natrix.Natrix;
import io.natrix.Service;

/** What else is done as the services start: the metrics' binding, when Micrometer is there. */
interface ServicesHook {

    /** Before the first service serves. */
    default void beforeServing(Natrix natrix) {
    }

    /** After each service has started. */
    default void started(Service service) {
    }
}
