package io.natrix;

import io.nats.client.impl.Headers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one rule for sending a request again within a call, the failures an error answer decodes to, and the
 * arithmetic of a call's deadline: the parts of a call that need no server to be checked.
 */
class RetryRuleTest {

    private static final String SUBJECT = "ms.x.Y";
    private static final Duration SECOND = Duration.ofSeconds(1);

    @Test
    void aRequestThatDidNotRunIsRetriedWhetherOrNotTheCallIsIdempotent() {
        for (NatrixException notRun : new NatrixException[]{new NoRespondersException(SUBJECT),
                new OverloadedException(SUBJECT, "full")}) {
            assertThat(notRun.mayBeRetried(false)).as(notRun.toString()).isTrue();
            assertThat(notRun.mayBeRetried(true)).as(notRun.toString()).isTrue();
        }
    }

    @Test
    void aRequestThatMayHaveRunIsRetriedOnlyWhenTheCallIsIdempotent() {
        for (NatrixException mayHaveRun : new NatrixException[]{new CallTimeoutException(SUBJECT, SECOND, SECOND),
                ConnectionException.inFlight(SUBJECT, "lost while out", null), new ServiceException(SUBJECT, 503, "later"),
                new ServiceException(SUBJECT, 504, "slow dependency")}) {
            assertThat(mayHaveRun.retryable()).as(mayHaveRun.toString()).isTrue();
            assertThat(mayHaveRun.mayBeRetried(false)).as(mayHaveRun.toString()).isFalse();
            assertThat(mayHaveRun.mayBeRetried(true)).as(mayHaveRun.toString()).isTrue();
        }
    }

    @Test
    void answersThatWillNotChangeAClosedConnectionAnInterruptAndAnOpenCircuitAreNeverRetried() {
        for (NatrixException never : new NatrixException[]{new ServiceException(SUBJECT, 404, "no such thing"),
                new ServiceException(SUBJECT, 500, "bug"), new ConnectionException(SUBJECT, "closed", null),
                new ConnectionException(null, "could not connect", null),
                new CallInterruptedException(SUBJECT, new InterruptedException()),
                new CircuitOpenException(SUBJECT, false, 100, SECOND, false)}) {
            assertThat(never.mayBeRetried(false)).as(never.toString()).isFalse();
            assertThat(never.mayBeRetried(true)).as(never.toString()).isFalse();
        }
        // an open circuit is retryable later, only not within the call it failed
        assertThat(new CircuitOpenException(SUBJECT, false, 100, SECOND, false).retryable()).isTrue();
        assertThat(new ConnectionException(SUBJECT, "closed", null).retryable()).isFalse();
    }

    @Test
    void anErrorAnswerDecodesToTheFailureItsCodeWasMadeFrom() {
        for (NatrixException sent : new NatrixException[]{new ServiceException(SUBJECT, 404, "no user"),
                new ServiceException(SUBJECT, 503, "later"), new OverloadedException(SUBJECT, "full")}) {
            Headers headers = new Headers().put(Wire.ERROR_CODE_HEADER, Integer.toString(Wire.codeOf(sent)))
                    .put(Wire.ERROR_HEADER, sent.getMessage());
            NatrixException received = Wire.failureOf(SUBJECT, headers);
            assertThat(received).isExactlyInstanceOf(sent.getClass()).hasMessage(sent.getMessage());
            assertThat(Wire.codeOf(received)).isEqualTo(Wire.codeOf(sent));
            assertThat(received.subject()).hasValue(SUBJECT);
        }
        // another client's odd codes: an internal error, never a crash
        assertThat(Wire.failureOf(SUBJECT, new Headers().put(Wire.ERROR_CODE_HEADER, "teapot")))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(Wire.INTERNAL));
        assertThat(Wire.failureOf(SUBJECT, new Headers().put(Wire.ERROR_CODE_HEADER, "200")))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(Wire.INTERNAL));
    }

    @Test
    void aDeadlineIsTheTimeoutOrWhatTheRequestBeingHandledHasLeftIfLess() {
        Deadline outside = Deadline.of(SUBJECT, RequestContext.EMPTY, SECOND);
        assertThat(outside.allowed()).isEqualTo(SECOND);
        assertThat(outside.nanosLeft()).isPositive().isLessThanOrEqualTo(SECOND.toNanos());

        RequestContext handling = RequestContext.of(Map.of()).withDeadline(Duration.ofMillis(100));
        assertThat(Deadline.of(SUBJECT, handling, SECOND).allowed()).isLessThanOrEqualTo(Duration.ofMillis(100));
        assertThat(Deadline.of(SUBJECT, handling, Duration.ofMillis(10)).allowed()).isEqualTo(Duration.ofMillis(10));

        RequestContext passed = RequestContext.of(Map.of()).withDeadline(Duration.ofNanos(-1));
        assertThatThrownBy(() -> Deadline.of(SUBJECT, passed, SECOND)).isInstanceOf(CallTimeoutException.class)
                .hasMessageContaining("was not sent");
    }

    @Test
    void aShareIsAPartOfWhatIsLeftAndThePastIsATimeoutNamingTheCall() {
        Deadline total = Deadline.of(SUBJECT, RequestContext.EMPTY, Duration.ofSeconds(3));
        Deadline third = total.share(3);
        assertThat(third.allowed()).isLessThanOrEqualTo(Duration.ofSeconds(1)).isGreaterThan(Duration.ofMillis(900));
        assertThat(third.at()).isLessThan(total.at());
        assertThat(total.rest().at()).isEqualTo(total.at());

        Deadline over = new Deadline(SUBJECT, Duration.ofMillis(5), System.nanoTime() - 1);
        assertThat(over.nanosLeft()).isNegative();
        assertThatThrownBy(over::left).isInstanceOfSatisfying(CallTimeoutException.class, e -> {
            assertThat(e.subject()).hasValue(SUBJECT);
            assertThat(e.timeout()).isEqualTo(Duration.ofMillis(5));
            assertThat(e.waited()).isGreaterThanOrEqualTo(Duration.ofMillis(5));
        });
        assertThatThrownBy(over::rest).isInstanceOf(CallTimeoutException.class);
    }
}
