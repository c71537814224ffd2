package io.natrix;

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
import java.util.stream.IntStream;

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
        List<Natrix> instances = new ArrayList<>();
        List<Service> services = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Natrix instance = Natrix.builder().servers(nats.url()).shutdownHook(false).connect();
            String name = "instance-" + i;
            instances.add(instance);
            services.add(instance.service("users").version("1.0.0")
                    .endpoint("GetUser", GetUser.class, request -> {
                        handledById.computeIfAbsent(request.id(), id -> new AtomicInteger()).incrementAndGet();
                        return new User(request.id(), name);
                    })
                    .start());
        }
        Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();
        try (Natrix caller = Natrix.builder().servers(nats.url()).shutdownHook(false).connect();
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<User>> firstHalf = IntStream.range(0, 1500)
                    .mapToObj(i -> threads.submit(() -> caller.call("ms.users.GetUser", new GetUser("u" + i), User.class,
                            Duration.ofSeconds(5))))
                    .toList();
            for (Future<User> user : firstHalf) {
                servedBy.computeIfAbsent(user.get().servedBy(), s -> new AtomicInteger()).incrementAndGet();
            }
            assertThat(servedBy).as("every instance takes a share of the load").hasSize(3);

            services.get(0).close();
            instances.get(0).close();

            List<Future<User>> secondHalf = IntStream.range(1500, 3000)
                    .mapToObj(i -> threads.submit(() -> caller.call("ms.users.GetUser", new GetUser("u" + i), User.class,
                            Duration.ofSeconds(5))))
                    .toList();
            Map<String, AtomicInteger> servedAfterStop = new ConcurrentHashMap<>();
            for (Future<User> user : secondHalf) {
                User reply = user.get();
                assertThat(reply.id()).startsWith("u");
                servedAfterStop.computeIfAbsent(reply.servedBy(), s -> new AtomicInteger()).incrementAndGet();
            }
            assertThat(servedAfterStop).as("the stopped instance serves nothing more")
                    .doesNotContainKey("instance-0").hasSize(2);
        } finally {
            instances.forEach(Natrix::close);
        }
        assertThat(handledById).hasSize(3000);
        assertThat(handledById.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    }

    @Test
    void rawBytesPassThroughUntouched() {
        try (Natrix natrix = Natrix.builder().servers(nats.url()).shutdownHook(false).connect()) {
            natrix.service("echo").endpoint("Echo", byte[].class, bytes -> bytes).start();
            byte[] payload = {0, 1, 2, (byte) 0xff};
            assertThat(natrix.call("ms.echo.Echo", payload, byte[].class, Duration.ofSeconds(2))).isEqualTo(payload);
        }
    }
}
