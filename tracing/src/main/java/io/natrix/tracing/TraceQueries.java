package io.natrix.tracing;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;

import java.util.List;

/**
 * Answers questions about the traces this process keeps, on plain NATS subscriptions (not a service: the
 * queries are neither listed by discovery nor traced themselves). Stays silent when it has nothing, so the
 * asker hears only from processes that took part.
 */
final class TraceQueries implements AutoCloseable {

    private static final int RECENT_LIMIT = 100;

    private final Connection nats;
    private final Dispatcher dispatcher;
    private final RecentTraces traces;

    TraceQueries(Connection nats, RecentTraces traces) {
        this.nats = nats;
        this.traces = traces;
        this.dispatcher = nats.createDispatcher();
        dispatcher.subscribe(Traces.TRACE_SUBJECT + ".*", this::onTrace);
        dispatcher.subscribe(Traces.RECENT_SUBJECT, this::onRecent);
    }

    private void onTrace(Message question) {
        String subject = question.getSubject();
        answer(question, traces.trace(subject.substring(subject.lastIndexOf('.') + 1)));
    }

    private void onRecent(Message question) {
        answer(question, traces.summaries(RECENT_LIMIT));
    }

    private void answer(Message question, List<?> found) {
        if (found.isEmpty() || question.getReplyTo() == null) {
            return;
        }
        try {
            nats.publish(question.getReplyTo(), Traces.JSON.writeValueAsBytes(found));
        } catch (JsonProcessingException | IllegalStateException e) {
            // the asker hears from the other processes; nothing to do here
        }
    }

    @Override
    public void close() {
        if (nats.getStatus() != Connection.Status.CLOSED) {
            nats.closeDispatcher(dispatcher);
        }
    }
}
