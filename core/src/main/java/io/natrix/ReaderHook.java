package io.natrix;

import io.nats.client.Message;
import io.nats.client.Subscription;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Lets natrix take a subscription's messages on jnats's socket reader thread, as they are read, instead of
 * after a hop through a dispatcher's queue and thread: how replies reach their callers and requests reach
 * their handlers' virtual threads with one thread hand-off less per message.
 *
 * <p>jnats has no public way to do this. Its subscriptions have a package-private hook that runs before a
 * message is queued (jnats uses it for JetStream); this class sets it by reflection. Where a jnats version
 * lacks it, {@link #available()} is false, natrix logs that once and uses the public paths, and
 * {@code ReaderHookTest} fails, so an upgrade that removes it is noticed.
 */
final class ReaderHook {

    private static final System.Logger LOG = System.getLogger(ReaderHook.class.getName());
    private static final MethodHandle BEFORE_QUEUE = find();

    private ReaderHook() {
    }

    static boolean available() {
        return BEFORE_QUEUE != null;
    }

    /**
     * Offers every message of {@code subscription} to {@code handledHere} on the reader thread; a message it
     * returns true for is done with, any other is queued for the subscription's dispatcher as usual. The
     * predicate must be quick and must not block: it holds up every message of the connection.
     *
     * @return false (and nothing changed) where the hook is not available
     */
    static boolean take(Subscription subscription, Predicate<Message> handledHere) {
        if (BEFORE_QUEUE == null) {
            return false;
        }
        Function<Message, Boolean> beforeQueue = message -> !handledHere.test(message);
        try {
            BEFORE_QUEUE.invoke(subscription, beforeQueue);
            return true;
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "could not take messages on the reader thread ({0}); using jnats's dispatcher", e.toString());
            return false;
        }
    }

    private static MethodHandle find() {
        try {
            Class<?> subscription = Class.forName("io.nats.client.impl.NatsSubscription");
            Method setter = subscription.getDeclaredMethod("setBeforeQueueProcessor", Function.class);
            setter.setAccessible(true);
            return MethodHandles.lookup().unreflect(setter)
                    .asType(MethodType.methodType(void.class, Subscription.class, Function.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "this jnats has no before-queue hook ({0}): messages go through its dispatchers", e.toString());
            return null;
        }
    }
}
