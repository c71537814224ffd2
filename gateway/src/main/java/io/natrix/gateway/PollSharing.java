package io.natrix.gateway;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * How the streams of one poll route share pollers ({@link StreamRoute#sharedAs}): each stream's request is
 * decoded to {@code type} and replaced by {@code canonical} of it; streams whose canonical requests are equal
 * share one poller, which asks once per interval and hands its answer to every one of them. A rider's nearby
 * stream, for instance, is shared by everyone in the same small cell of the map: the request is the cell's
 * centre, not the rider's point.
 *
 * <p>A shared poll asks on nobody's behalf: it carries no actor, so the service answering it must not need one.
 *
 * <p>{@link #between(String)} shares a poll between gateways too: then one gateway asks for everyone.
 *
 * @param type      the request's record type (its unknown fields, such as the path's own id, drop out)
 * @param canonical the request every stream with an equal one shares
 * @param between   the subject prefix on which gateways share their answers ({@link StreamRoute#sharedBetweenGateways});
 *                  empty: each gateway asks on its own
 * @param <T>       the request's type
 */
public record PollSharing<T>(Class<T> type, UnaryOperator<T> canonical, java.util.Optional<String> between) {

    public PollSharing {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(canonical, "canonical");
        Objects.requireNonNull(between, "between");
        between.ifPresent(prefix -> SubjectTemplate.checkFixed(prefix, "a shared poll's prefix"));
    }

    /** Shared by the streams of one gateway only. */
    public PollSharing(Class<T> type, UnaryOperator<T> canonical) {
        this(type, canonical, java.util.Optional.empty());
    }

    /** The same sharing, between every gateway that shares on {@code prefix}. */
    public PollSharing<T> between(String prefix) {
        return new PollSharing<>(type, canonical, java.util.Optional.of(prefix));
    }
}
