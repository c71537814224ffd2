package io.natrix.blackbox;

import io.natrix.Natrix;
import io.natrix.TestNatrix;
import io.natrix.testkit.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class UnicastTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    record GetUser(String id) {
    }

    record User(String id, String servedBy) {
    }

    @Test
    void everyCallIsAnsweredExactlyOnceAndEveryInstanceServesAShare() throws Exception {
        Map<String, AtomicInteger> handledById = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();
        List<Natrix> instances = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Natrix instance = TestNatrix.connect(nats);
            String name = "instance-" + i;
            instances.add(instance);
            instance.service("users").version("1.0.0")
                    .endpoint("GetUser", GetUser.class, request -> {
                        handledById.computeIfAbsent(request.id(), id -> new AtomicInteger()).incrementAndGet();
                        return new User(request.id(), name);
                    })
                    .start();
        }
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger servedByStoppedAfterStop = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        try (Natrix caller = TestNatrix.connect(nats);
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(64);
            List<Future<User>> calls = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                inFlight.acquire();
                if (i == 1000) {
                    // mid-run: instance-0 drains while calls keep coming
                    threads.submit(() -> {
                        instances.getFirst().close();
                        stopped.set(true);
                    });
                }
                String id = "u" + i;
                boolean sentAfterStop = stopped.get();
                calls.add(threads.submit(() -> {
                    try {
                        User user = caller.call("ms.users.GetUser", new GetUser(id), User.class, Duration.ofSeconds(5));
                        if (sentAfterStop && user.servedBy().equals("instance-0")) {
                            servedByStoppedAfterStop.incrementAndGet();
                        }
                        servedBy.computeIfAbsent(user.servedBy(), s -> new AtomicInteger()).incrementAndGet();
                        completed.incrementAndGet();
                        return user;
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertThat(calls.get(i).get().id()).isEqualTo("u" + i);
            }
        } finally {
            instances.forEach(Natrix::close);
        }
        assertThat(stopped).isTrue();
        assertThat(completed.get()).isEqualTo(3000);
        assertThat(servedBy).as("every instance takes a share of the load").hasSize(3);
        assertThat(servedBy.values()).allSatisfy(count -> assertThat(count.get()).isGreaterThan(100));
        assertThat(servedByStoppedAfterStop.get()).as("the stopped instance serves nothing sent after it stopped").isZero();
        assertThat(handledById).hasSize(3000);
        assertThat(handledById.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    }

    @Test
    void rawBytesPassThroughUntouched() {
        try (Natrix natrix = TestNatrix.connect(nats)) {
            natrix.service("echo").endpoint("Echo", byte[].class, bytes -> bytes).start();
            byte[] payload = {0, 1, 2, (byte) 0xff};
            assertThat(natrix.call("ms.echo.Echo", payload, byte[].class, Duration.ofSeconds(2))).isEqualTo(payload);
        }
    }
}
