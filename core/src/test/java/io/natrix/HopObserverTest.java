package io.natrix;

import io.natrix.spi.Hop;
import io.natrix.spi.HopObserver;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class HopObserverTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    /** What one hop looked like: its kind, subject, the traceparent it came with, the one it carried on, its end. */
    record Seen(Hop.Kind kind, String subject, String service, String name, String cameWith, String carried, int code) {
    }

    /** Gives each hop a traceparent of its own, as a tracer would, and writes down every hop. */
    static final class Recorder implements HopObserver {
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        final List<String> notes = new CopyOnWriteArrayList<>();
        private final AtomicInteger spans = new AtomicInteger();

        @Override
        public Scope begin(Hop hop) {
            String carried = "00-0af7651916cd43dd8448eb211c80319c-%016x-01".formatted(spans.incrementAndGet());
            String cameWith = hop.headers().getOrDefault(RequestContext.TRACEPARENT, "-");
            return new Scope() {
                @Override
                public Map<String, String> headers() {
                    return Map.of(RequestContext.TRACEPARENT, carried);
                }

                @Override
                public void note(String event) {
                    notes.add(event);
                }

                @Override
                public void end(int code, String message) {
                    seen.add(new Seen(hop.kind(), hop.subject(), hop.service(), hop.name(), cameWith, carried, code));
                }
            };
        }

        Seen only(Hop.Kind kind, String subject) {
            List<Seen> matching = seen.stream().filter(s -> s.kind() == kind && s.subject().equals(subject)).toList();
            assertThat(matching).as(kind + " " + subject + " in " + seen).hasSize(1);
            return matching.getFirst();
        }
    }

    @Test
    void everyHopIsSeenAndEachCarriesOnTheContextItsObserverGives() {
        Recorder recorder = new Recorder();
        try (Natrix natrix = TestNatrix.connect(nats)) {
            natrix.observe(recorder);
            natrix.service("dispatch").endpoint("Request", String.class, ride -> {
                natrix.publish("ms.rides.Requested", ride);
                return natrix.call("ms.geo.Nearby", ride, String.class, Duration.ofSeconds(1));
            }).start();
            natrix.service("geo").endpoint("Nearby", String.class,
                    ride -> RequestContext.current().flatMap(c -> c.header(RequestContext.TRACEPARENT)).orElseThrow())
                    .start();
            natrix.service("audit").broadcastListener("ms.rides.Requested", String.class, ride -> { }).start();

            String geoSawInItsHandler = natrix.call("ms.dispatch.Request", "ride-1", String.class, Duration.ofSeconds(2));

            await().until(() -> recorder.seen.size() == 6);
            Seen outer = recorder.only(Hop.Kind.CALL, "ms.dispatch.Request");
            Seen dispatch = recorder.only(Hop.Kind.SERVE, "ms.dispatch.Request");
            Seen nested = recorder.only(Hop.Kind.CALL, "ms.geo.Nearby");
            Seen geo = recorder.only(Hop.Kind.SERVE, "ms.geo.Nearby");
            Seen published = recorder.only(Hop.Kind.PUBLISH, "ms.rides.Requested");
            Seen heard = recorder.only(Hop.Kind.LISTEN, "ms.rides.Requested");

            assertThat(outer.cameWith()).as("a call from outside any handler has no parent").isEqualTo("-");
            assertThat(dispatch.cameWith()).isEqualTo(outer.carried());
            assertThat(nested.cameWith()).isEqualTo(dispatch.carried());
            assertThat(published.cameWith()).isEqualTo(dispatch.carried());
            assertThat(geo.cameWith()).isEqualTo(nested.carried());
            assertThat(heard.cameWith()).isEqualTo(published.carried());
            assertThat(geoSawInItsHandler).as("the handler's context carries its own hop").isEqualTo(geo.carried());
            assertThat(dispatch.service()).isEqualTo("dispatch");
            assertThat(dispatch.name()).isEqualTo("Request");
            assertThat(heard.service()).isEqualTo("audit");
            assertThat(recorder.seen).allMatch(seen -> seen.code() == HopObserver.OK);
        }
    }

    @Test
    void aFailedHopEndsWithTheCodeTheCallerGets() {
        Recorder recorder = new Recorder();
        try (Natrix natrix = TestNatrix.connect(nats)) {
            natrix.observe(recorder);
            natrix.service("users").endpoint("GetUser", String.class, id -> {
                throw new ServiceException(404, "no user " + id);
            }).endpoint("Echo", String.class, text -> text).start();

            assertThatThrownBy(() -> natrix.call("ms.users.GetUser", "u-9", String.class, Duration.ofSeconds(1)))
                    .isInstanceOf(ServiceException.class);
            assertThatThrownBy(() -> natrix.call("ms.users.Echo", Map.of("not", "a string"), String.class, Duration.ofSeconds(1)))
                    .isInstanceOf(ServiceException.class);
            assertThatThrownBy(() -> natrix.call("ms.nobody.Home", "x", String.class, Duration.ofSeconds(1)))
                    .isInstanceOf(NoRespondersException.class);

            await().until(() -> recorder.seen.size() == 5);

            assertThat(recorder.only(Hop.Kind.SERVE, "ms.users.GetUser").code()).isEqualTo(404);
            assertThat(recorder.only(Hop.Kind.CALL, "ms.users.GetUser").code()).isEqualTo(404);
            assertThat(recorder.only(Hop.Kind.SERVE, "ms.users.Echo").code()).isEqualTo(400);
            assertThat(recorder.only(Hop.Kind.CALL, "ms.nobody.Home").code()).isEqualTo(503);
        }
    }

    @Test
    void retriesAreNotedOnTheCallAndAFailingObserverNeverFailsTheHop() {
        Recorder recorder = new Recorder();
        AtomicInteger attempts = new AtomicInteger();
        try (Natrix natrix = TestNatrix.connect(nats)) {
            natrix.observe(hop -> {
                throw new IllegalStateException("a broken observer");
            });
            natrix.observe(recorder);
            natrix.service("flaky").endpoint("Get", String.class, id -> {
                if (attempts.incrementAndGet() == 1) {
                    throw new ServiceException(503, "warming up");
                }
                return "ok " + id;
            }).start();

            String answer = natrix.call("ms.flaky.Get", "1", String.class,
                    CallOptions.defaults().idempotent().retries(2).backoff(Duration.ofMillis(1), Duration.ofMillis(5)));

            assertThat(answer).isEqualTo("ok 1");
            await().until(() -> recorder.seen.size() == 3);
            assertThat(recorder.only(Hop.Kind.CALL, "ms.flaky.Get").code()).isEqualTo(HopObserver.OK);
            assertThat(recorder.notes).singleElement().asString().startsWith("attempt 1 failed (ServiceException");
        }
    }
}
