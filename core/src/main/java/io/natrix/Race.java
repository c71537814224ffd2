package io.natrix;

import io.nats.client.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Copies of one request racing for a deadline: the first reply wins, failures are kept to say the most telling
 * one if every copy fails, and closing the race forgets the copies still out. Hedging sends a second copy to
 * the same subject when the first is slow; {@code fastest} sends one copy to each of several subjects at once.
 */
final class Race<R> implements AutoCloseable {

    private final Call<R> call;
    private final Deadline deadline;
    private final Exchange exchange;
    private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final List<CompletableFuture<Message>> copies = new ArrayList<>(2);
    private int ended;
    private boolean won;
    private R answer;
    private NatrixException mostTelling;

    Race(Call<R> call, Deadline deadline, Exchange exchange) {
        this.call = call;
        this.deadline = deadline;
        this.exchange = exchange;
    }

    /** Sends one more copy, to {@code subject}, with what is left of the deadline. */
    void send(String subject) {
        CompletableFuture<Message> copy = exchange.send(call, subject, deadline.left());
        copies.add(copy);
        copy.whenComplete((message, error) -> outcomes.add(new Outcome(subject, message, error)));
    }

    /**
     * Waits until a copy has answered, every copy sent has failed, or {@code until} ({@link System#nanoTime()})
     * comes; says whether a copy answered ({@link #answer()}).
     */
    boolean await(long until) throws InterruptedException {
        while (!won && ended < copies.size()) {
            Outcome outcome = outcomes.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (outcome == null || outcome.error instanceof java.util.concurrent.TimeoutException) {
                return false; // the deadline came (a copy's own time is the race's): the race timed out
            }
            ended++;
            try {
                if (outcome.error != null) {
                    throw exchange.failure(outcome.subject, outcome.error, deadline);
                }
                answer = exchange.read(outcome.subject, outcome.message, call.replyType());
                won = true;
            } catch (NatrixException failure) {
                mostTelling = moreTelling(mostTelling, failure);
            }
        }
        return won;
    }

    /** The winning reply, once {@link #await} said there is one. */
    R answer() {
        if (!won) {
            throw new IllegalStateException("no copy has answered");
        }
        return answer;
    }

    /** Whether every copy sent has ended without an answer. */
    boolean allFailed() {
        return !won && !copies.isEmpty() && ended == copies.size();
    }

    /** Why the race has no answer: the most telling failure when every copy failed, else a timeout. */
    NatrixException failure() {
        return allFailed() ? mostTelling : deadline.timedOut();
    }

    /** Forgets the copies still out: their late replies are dropped. */
    @Override
    public void close() {
        copies.forEach(copy -> copy.cancel(false));
    }

    /** An error answer says most, then an overload, then a missing responder. */
    private static NatrixException moreTelling(NatrixException best, NatrixException candidate) {
        return best == null || rank(candidate) > rank(best) ? candidate : best;
    }

    private static int rank(NatrixException e) {
        return switch (e) {
            case ServiceException ignored -> 3;
            case OverloadedException ignored -> 2;
            case NoRespondersException ignored -> 1;
            default -> 0;
        };
    }

    private record Outcome(String subject, Message message, Throwable error) {
    }
}
