package io.natrix;

import io.natrix.spi.Hop;
import io.natrix.spi.HopObserver;
import io.nats.client.Message;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The observers registered on one connection, seen as one. With none registered a hop costs one volatile
 * read; an observer that throws is logged and never fails the hop it watches. Hops on NATS's own subjects
 * (those starting with {@code $}: discovery, JetStream) are not shown to observers.
 */
final class Observers implements HopObserver {

    private static final System.Logger LOG = System.getLogger(Natrix.class.getName());

    private final List<HopObserver> observers = new CopyOnWriteArrayList<>();
    private volatile boolean any;

    void add(HopObserver observer) {
        observers.add(observer);
        any = true;
    }

    /** Whether any observer is registered: when not, a hop need not even be described. */
    boolean watching() {
        return any;
    }

    /**
     * Begins a hop the core makes or serves, describing it only if someone watches: nothing is allocated per
     * request or message when no observer is registered.
     */
    Scope begin(Hop.Kind kind, String subject, String service, String instance, String name, RequestContext received) {
        if (!any) {
            return Scope.NONE;
        }
        return begin(new Hop(kind, subject, service, instance, name, received.headers()));
    }

    /**
     * Runs {@code work} as an outgoing hop the observers see (a call or a publish from this connection), in the
     * context the hop carries on, and ends the hop with how the work ended.
     */
    <T> T around(Hop.Kind kind, String subject, Outgoing<T> work) {
        RequestContext current = RequestContext.currentOrEmpty();
        if (!any) { // nobody sees the hop: nothing to describe, begin or end
            return work.run(current, Scope.NONE);
        }
        Scope scope = begin(kind, subject, current.service(), null, null, current);
        try {
            T result = work.run(carried(current, scope), scope);
            scope.end(OK, null);
            return result;
        } catch (NatrixException failure) {
            scope.end(Wire.codeOf(failure), failure.getMessage());
            throw failure;
        } catch (RuntimeException failure) {
            scope.end(Wire.INTERNAL, failure.toString());
            throw failure;
        }
    }

    /** An outgoing hop's work, given the context it carries and its scope (for notes such as a retry). */
    @FunctionalInterface
    interface Outgoing<T> {
        T run(RequestContext context, Scope scope);
    }

    /** How a listener's handling of one event ended. */
    sealed interface Handled {
        /** It went well. */
        Handled DONE = new Done();
        /** The handling thread ended without saying how (an Error went past the handler's own catch). */
        Handled ENDED_UNEXPECTEDLY = new Failed("the listener's thread ended unexpectedly");

        record Done() implements Handled {
        }

        /** It failed, for {@code reason}. */
        record Failed(String reason) implements Handled {
        }
    }

    @Override
    public Scope begin(Hop hop) {
        if (!any || hop.subject().startsWith("$")) {
            return Scope.NONE; // NATS's own subjects ($SRV discovery, $JS, $KV): plumbing, not the system's hops
        }
        if (observers.size() == 1) {
            return safely(observers.getFirst(), hop);
        }
        List<Scope> scopes = new ArrayList<>(observers.size());
        for (HopObserver observer : observers) {
            scopes.add(safely(observer, hop));
        }
        return new Composite(scopes);
    }

    private static Scope safely(HopObserver observer, Hop hop) {
        try {
            Scope scope = observer.begin(hop);
            return scope == null || scope == Scope.NONE ? Scope.NONE : new Guarded(scope);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "hop observer " + observer + " failed at the start of " + hop.subject(), e);
            return Scope.NONE;
        }
    }

    /**
     * Handles one event as a {@link Hop.Kind#LISTEN} hop: begins it, runs {@code handle} in the context the
     * hop carries on, and ends it with how {@code handle} says it went.
     */
    void listen(Message event, String service, String instance, String listener, Supplier<Handled> handle) {
        RequestContext received = Wire.propagatedContext(event.getHeaders());
        Scope scope = begin(Hop.Kind.LISTEN, event.getSubject(), service, instance, listener, received);
        RequestContext context = serving(service, received, scope);
        Handled handled = Handled.ENDED_UNEXPECTEDLY;
        try {
            handled = context.within(handle);
        } finally {
            switch (handled) {
                case Handled.Done ignored -> scope.end(OK, null);
                case Handled.Failed failed -> scope.end(Wire.INTERNAL, failed.reason());
            }
        }
    }

    /**
     * The context to carry on from a hop: {@code context} with the scope's headers in place of its own, or
     * {@code context} itself when the scope adds none.
     */
    static RequestContext carried(RequestContext context, Scope scope) {
        Map<String, String> added = scope.headers();
        return added.isEmpty() ? context : context.withHeaders(added);
    }

    /**
     * The context a handler of {@code service} runs in: {@code received} with what the hop's observers carry
     * on, marked as that service's, so the calls the handler makes are known to be its calls; {@code received}
     * itself when nobody observes (nothing to mark, and nothing to bind when nothing came).
     */
    static RequestContext serving(String service, RequestContext received, Scope scope) {
        return scope == Scope.NONE ? received : carried(received, scope).servedBy(service);
    }

    private record Guarded(Scope scope) implements Scope {
        @Override
        public Map<String, String> headers() {
            try {
                return scope.headers();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "hop observer failed to give its headers", e);
                return Map.of();
            }
        }

        @Override
        public void note(String event) {
            try {
                scope.note(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "hop observer failed on a note", e);
            }
        }

        @Override
        public void end(int code, String message) {
            try {
                scope.end(code, message);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "hop observer failed at the end of a hop", e);
            }
        }
    }

    private record Composite(List<Scope> scopes) implements Scope {
        @Override
        public Map<String, String> headers() {
            Map<String, String> all = new LinkedHashMap<>();
            scopes.forEach(scope -> all.putAll(scope.headers()));
            return all;
        }

        @Override
        public void note(String event) {
            scopes.forEach(scope -> scope.note(event));
        }

        @Override
        public void end(int code, String message) {
            scopes.forEach(scope -> scope.end(code, message));
        }
    }
}
