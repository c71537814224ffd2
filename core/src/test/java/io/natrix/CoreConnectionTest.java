package io.natrix;

import io.natrix.testkit.NatsSecurity;
import io.natrix.testkit.NatsServerProcess;
import io.nats.client.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Natrix's own NATS connection ({@link CoreConnection}) against real secured servers (TLS, nkeys, permissions): what it
 * sends arrives with its headers, a request nobody answers gets the server's 503, a refused subject is reported,
 * large payloads cross many reads, and a server lost (killed, or frozen so that only pings notice) costs a
 * reconnect to another server of the cluster with every subscription restored and nothing written meanwhile lost.
 */
class CoreConnectionTest {

    @TempDir
    static Path dir;

    static NatsSecurity security;
    static List<NatsServerProcess> cluster;

    @BeforeAll
    static void start() {
        security = NatsSecurity.generate(dir.resolve("secured"), Map.of(
                NatsSecurity.ADMIN, NatsSecurity.User.admin(),
                "narrow", NatsSecurity.User.allowing(List.of("ms.allowed"), List.of("_INBOX.>"))));
        cluster = NatsServerProcess.start(2, false, 0, security);
    }

    @AfterAll
    static void stop() {
        cluster.forEach(NatsServerProcess::stop);
    }

    static CoreConnection connect(String user, List<NatsServerProcess> servers, List<String> errors) throws Exception {
        return CoreConnection.connect(new CoreConnection.Settings(
                servers.stream().map(s -> java.net.URI.create(s.url())).toList(), "link-test " + user,
                NkeySigner.ofSeed(Files.readString(security.seed(user))), TrustedAuthority.sslContext(security.ca()),
                null, Duration.ofMillis(200), 3, Duration.ofSeconds(10), true, -1, errors::add));
    }

    static BlockingQueue<Message> inbox() {
        return new ArrayBlockingQueue<>(10_000);
    }

    @Test
    void messagesArriveWithTheirHeadersAndRequestsGetAnswers() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        try (CoreConnection server = connect(NatsSecurity.ADMIN, List.of(cluster.getFirst()), errors);
             CoreConnection client = connect(NatsSecurity.ADMIN, List.of(cluster.getFirst()), errors)) {
            server.subscribe("ms.echo", "echoes", request -> server.publish(request.getReplyTo(), null,
                    new HeaderLines().add("Echoed", request.getHeaders().getFirst("Natrix-Depth"))
                            .add("Other", request.getHeaders().getFirst("Other")).bytes(), request.getData()));
            BlockingQueue<Message> replies = inbox();
            String inbox = client.createInbox();
            client.subscribe(inbox, null, replies::add);
            assertThat(server.flush(Duration.ofSeconds(5))).isTrue();
            assertThat(client.flush(Duration.ofSeconds(5))).isTrue();

            client.publish("ms.echo", inbox, new HeaderLines().add("Natrix-Depth", "3").add("Other", "a: b").bytes(),
                    "hello".getBytes(StandardCharsets.UTF_8));
            Message reply = replies.poll(5, TimeUnit.SECONDS);
            assertThat(reply).isNotNull();
            assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(reply.getHeaders().getFirst("Echoed")).isEqualTo("3");
            assertThat(reply.getHeaders().getFirst("Echo")).as("a name that only begins one").isNull();
            assertThat(reply.getHeaders().getFirst("Other")).as("a value with a colon").isEqualTo("a: b");
            assertThat(reply.getHeaders().keySet()).as("parsed when asked for more than a name")
                    .containsExactlyInAnyOrder("Echoed", "Other");
            assertThat(reply.getSubject()).isEqualTo(inbox);
            assertThat(reply.isStatusMessage()).isFalse();

            client.publish("ms.nobody", inbox, null, new byte[0]);
            Message none = replies.poll(5, TimeUnit.SECONDS);
            assertThat(none).isNotNull();
            assertThat(none.isStatusMessage()).as("the server's no-responders answer").isTrue();
            assertThat(none.getStatus().isNoResponders()).isTrue();
            assertThat(errors).isEmpty();
            assertThat(client.maxPayload()).isEqualTo(1024 * 1024);
            assertThat(client.connectedUrl()).startsWith("tls://");
        }
    }

    @Test
    void largePayloadsAndFloodsArriveWholeAndInOrder() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        try (CoreConnection listener = connect(NatsSecurity.ADMIN, List.of(cluster.getFirst()), errors);
             CoreConnection publisher = connect(NatsSecurity.ADMIN, List.of(cluster.getLast()), errors)) {
            BlockingQueue<Message> received = new ArrayBlockingQueue<>(200_000);
            listener.subscribe("ms.flood.>", null, received::add);
            listener.flush(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(10)).until(() -> { // the route carries the interest to the other server
                publisher.publish("ms.flood.probe", null, null, new byte[0]);
                return received.poll(100, TimeUnit.MILLISECONDS) != null;
            });
            received.clear();
            byte[] big = new byte[900_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) i;
            }
            publisher.publish("ms.flood.big", null, null, big);
            int events = 100_000;
            for (int i = 0; i < events; i++) {
                publisher.publish("ms.flood.small", null, null, Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
            }
            assertThat(publisher.flush(Duration.ofSeconds(10))).isTrue();
            Message first = received.poll(10, TimeUnit.SECONDS);
            assertThat(first.getData()).isEqualTo(big);
            for (int i = 0; i < events; i++) {
                Message next = received.poll(10, TimeUnit.SECONDS);
                assertThat(next).as("event " + i).isNotNull();
                assertThat(new String(next.getData(), StandardCharsets.US_ASCII)).isEqualTo(Integer.toString(i));
            }
            assertThat(errors).isEmpty();
        }
    }

    @Test
    void aRefusedSubjectIsReportedAndTheConnectionStays() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        try (CoreConnection narrow = connect("narrow", List.of(cluster.getFirst()), errors)) {
            narrow.publish("ms.forbidden", null, null, new byte[1]);
            narrow.publish("ms.allowed", null, null, new byte[1]);
            await().atMost(Duration.ofSeconds(5)).until(() -> !errors.isEmpty());
            assertThat(errors.getFirst()).contains("Permissions Violation").contains("ms.forbidden");
            assertThat(narrow.flush(Duration.ofSeconds(5))).isTrue();
            assertThat(narrow.status()).isEqualTo(CoreConnection.Status.CONNECTED);
        }
    }

    @Test
    void aWrongKeyIsRefusedWithTheServersWords() {
        assertThatThrownBy(() -> CoreConnection.connect(new CoreConnection.Settings(List.of(java.net.URI.create(cluster.getFirst().url())),
                "stranger", NkeySigner.ofSeed(new String(io.nats.client.NKey.createUser(null).getSeed())),
                TrustedAuthority.sslContext(security.ca()), null, Duration.ofSeconds(2), 3, Duration.ofSeconds(10), true, -1, e -> { })))
                .hasMessageContaining("Authorization Violation");
    }

    @Test
    void aServerWhoseCertificateDoesNotNameTheHostIsRefused(@TempDir Path elsewhere) {
        // signed by the trusted authority, but for another host: a stolen certificate must not pass for this one
        NatsSecurity misnamed = NatsSecurity.generate(elsewhere, Map.of(NatsSecurity.ADMIN, NatsSecurity.User.admin()),
                List.of("dns:nats.example.org"));
        NatsServerProcess other = NatsServerProcess.start(1, false, 0, misnamed).getFirst();
        try {
            assertThatThrownBy(() -> CoreConnection.connect(new CoreConnection.Settings(List.of(java.net.URI.create(other.url())),
                    "misnamed", NkeySigner.ofSeed(Files.readString(misnamed.seed(NatsSecurity.ADMIN))),
                    TrustedAuthority.sslContext(misnamed.ca()), null, Duration.ofSeconds(2), 3, Duration.ofSeconds(10), true, -1, e -> { })))
                    .isInstanceOf(java.io.IOException.class);
        } finally {
            other.stop();
        }
    }

    @Test
    void whatWasPublishedBeforeCloseArrives() throws Exception {
        // a flood hands the writing to the flusher, so close finds messages still waiting to be written: they are
        // an endpoint's last replies when its instance stops (UnicastTest lost one so). Over plain TCP, where a
        // socket's close does not wait for a write under way as TLS's does.
        NatsServerProcess plain = NatsServerProcess.start(1, false).getFirst();
        List<String> errors = new CopyOnWriteArrayList<>();
        try (CoreConnection listener = connectPlain(plain, errors)) {
            BlockingQueue<Message> received = new ArrayBlockingQueue<>(200_000);
            listener.subscribe("ms.last.>", null, received::add);
            assertThat(listener.flush(Duration.ofSeconds(5))).isTrue();
            CoreConnection publisher = connectPlain(plain, errors);
            int events = 50_000;
            byte[] padding = new byte[1_000]; // 50 MB in all: the writing is still going on when close is called
            for (int i = 0; i < events; i++) {
                byte[] number = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
                byte[] event = Arrays.copyOf(number, number.length + padding.length);
                event[number.length] = ' ';
                publisher.publish("ms.last.words", null, null, event);
            }
            publisher.close();
            for (int i = 0; i < events; i++) {
                Message next = received.poll(10, TimeUnit.SECONDS);
                assertThat(next).as("event " + i + " of " + events).isNotNull();
                assertThat(new String(next.getData(), StandardCharsets.US_ASCII).split(" ")[0]).isEqualTo(Integer.toString(i));
            }
            assertThat(errors).isEmpty();
        } finally {
            plain.stop();
        }
    }

    private static CoreConnection connectPlain(NatsServerProcess server, List<String> errors) throws Exception {
        return CoreConnection.connect(new CoreConnection.Settings(List.of(java.net.URI.create(server.url())),
                "link-test plain", null, null, null, Duration.ofMillis(200), 3, Duration.ofSeconds(10), true, -1,
                errors::add));
    }

    @Test
    void publishingAfterCloseIsRefused() throws Exception {
        CoreConnection link = connect(NatsSecurity.ADMIN, List.of(cluster.getFirst()), new CopyOnWriteArrayList<>());
        link.close();
        assertThat(link.status()).isEqualTo(CoreConnection.Status.CLOSED);
        assertThatThrownBy(() -> link.publish("ms.any", null, null, new byte[0])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aKilledServerCostsAReconnectWithSubscriptionsRestoredAndNothingWrittenMeanwhileLost() throws Exception {
        List<NatsServerProcess> pair = NatsServerProcess.start(2, false, 0, security);
        try (CoreConnection listener = connect(NatsSecurity.ADMIN, List.of(pair.getLast()), new CopyOnWriteArrayList<>());
             CoreConnection moving = connect(NatsSecurity.ADMIN, pair, new CopyOnWriteArrayList<>())) {
            NatsServerProcess movingOn = pair.stream().filter(s -> s.url().equals(moving.connectedUrl())).findFirst().orElseThrow();
            BlockingQueue<Message> heardByMoving = inbox();
            moving.subscribe("ms.to.moving", null, heardByMoving::add);
            BlockingQueue<Message> heardByListener = inbox();
            listener.subscribe("ms.from.moving", null, heardByListener::add);
            AtomicInteger reached = new AtomicInteger();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                listener.publish("ms.to.moving", null, null, new byte[0]);
                moving.publish("ms.from.moving", null, null, new byte[0]);
                return heardByMoving.poll(100, TimeUnit.MILLISECONDS) != null && heardByListener.poll(100, TimeUnit.MILLISECONDS) != null;
            });
            heardByListener.clear();

            movingOn.kill();
            await().atMost(Duration.ofSeconds(5)).until(() -> moving.status() != CoreConnection.Status.CONNECTED || !movingOn.url().equals(moving.connectedUrl()));
            for (int i = 0; i < 100; i++) { // written while it has no server, or just after: none may be lost
                moving.publish("ms.from.moving", null, null, Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> moving.status() == CoreConnection.Status.CONNECTED);
            assertThat(moving.connectedUrl()).isNotEqualTo(movingOn.url());
            for (int i = 0; i < 100; i++) {
                Message next = heardByListener.poll(10, TimeUnit.SECONDS);
                assertThat(next).as("event " + i).isNotNull();
                assertThat(new String(next.getData(), StandardCharsets.US_ASCII)).isEqualTo(Integer.toString(i));
            }
            heardByMoving.clear();
            listener.publish("ms.to.moving", null, null, "after".getBytes(StandardCharsets.US_ASCII));
            Message after = heardByMoving.poll(10, TimeUnit.SECONDS);
            assertThat(after).as("the subscription restored on the other server").isNotNull();
        } finally {
            pair.forEach(NatsServerProcess::stop);
        }
    }

    @Test
    void aFrozenServerIsGivenUpAfterUnansweredPings() throws Exception {
        List<NatsServerProcess> pair = NatsServerProcess.start(2, false, 0, security);
        try (CoreConnection moving = connect(NatsSecurity.ADMIN, pair, new CopyOnWriteArrayList<>())) {
            NatsServerProcess frozen = pair.stream().filter(s -> s.url().equals(moving.connectedUrl())).findFirst().orElseThrow();
            frozen.freeze();
            try {
                long started = System.nanoTime();
                await().atMost(Duration.ofSeconds(10)).until(() -> moving.status() == CoreConnection.Status.CONNECTED
                        && !frozen.url().equals(moving.connectedUrl()));
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("three pings 200 ms apart, then a new server")
                        .isLessThan(Duration.ofSeconds(5));
                assertThat(moving.flush(Duration.ofSeconds(5))).isTrue();
            } finally {
                frozen.resume();
            }
        } finally {
            pair.forEach(NatsServerProcess::stop);
        }
    }
}
