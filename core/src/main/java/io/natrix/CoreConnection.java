package io.natrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.AuthHandler;
import io.nats.client.Message;
import io.nats.client.Options;
import io.nats.client.impl.NatsMessage;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Natrix's own connection to NATS for core messaging (publish, subscribe, request and reply): what a service's
 * hot path runs on. jnats stays for JetStream, KV and the object store, and as {@link Natrix#nats()}.
 *
 * <p>It exists for speed (issue 15): jnats hands every publish to a writer thread and parses through general
 * structures; this connection writes through when the connection is quiet, hands a flood to one flusher
 * ({@link CoreOutput}), and delivers each message on the reader thread as it is parsed ({@link CoreReader}) to
 * a handler that must not block (natrix's runners move the work to virtual threads themselves).
 *
 * <p>It is a whole client for what it does: TLS (the server's {@code tls_required}), an nkey's signature of the
 * server's nonce, headers and no-responders statuses, the server list (and the servers a cluster announces),
 * reconnecting to the next server with every subscription restored and what was written meanwhile sent
 * after them, pings that give up on a server which stopped answering, the server's {@code max_payload}, and
 * permission errors counted rather than fatal.
 */
final class CoreConnection implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CoreConnection.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "PONG\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Between two rounds over every server when none took the connection. */
    static final Duration RECONNECT_PAUSE = Duration.ofMillis(250);

    /** Where the connection connects and how it proves who it is. */
    record Settings(List<URI> servers, String name, AuthHandler auth, SSLContext ssl, String inboxPrefix,
                    Duration pingInterval, int maxPingsOut, Duration connectTimeout, boolean randomize,
                    int maxReconnects, Consumer<String> errors) {

        Settings {
            servers = List.copyOf(servers);
            if (servers.isEmpty()) {
                throw new IllegalArgumentException("no NATS server to connect to");
            }
            inboxPrefix = inboxPrefix == null ? "_INBOX." : inboxPrefix.endsWith(".") ? inboxPrefix : inboxPrefix + ".";
        }

        /**
         * The same servers, identity, trust, inbox prefix, pings, timeouts and reconnect policy as jnats's
         * {@code options}: one set of options configures both of a natrix's connections.
         */
        static Settings of(Options options, Consumer<String> errors) {
            return new Settings(options.getServers(), options.getConnectionName(), options.getAuthHandler(),
                    options.getSslContext(), options.getInboxPrefix(), options.getPingInterval(), options.getMaxPingsOut(),
                    options.getConnectionTimeout(), !options.isNoRandomize(), options.getMaxReconnect(), errors);
        }
    }

    /** Whether the connection has a server now. */
    enum Status { CONNECTED, RECONNECTING, CLOSED }

    /** A subscription's messages, on the reader thread: must not block. */
    interface Handler {
        void on(Message message);
    }

    /** A subscription of this connection; {@link #unsubscribe} and {@link #drain} end it. */
    final class Subscription {
        private final int sid;
        private final String subject;
        private final String queue;
        private final Handler handler;

        private Subscription(int sid, String subject, String queue, Handler handler) {
            this.sid = sid;
            this.subject = subject;
            this.queue = queue;
            this.handler = handler;
        }

        String subject() {
            return subject;
        }

        /** Ends interest at once; a message already on its way may still be delivered. */
        void unsubscribe() {
            if (subscriptions.remove(sid) != null && status != Status.CLOSED) {
                output.line(("UNSUB " + sid + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
        }

        /**
         * Ends interest and returns once every message the server sent it before has been delivered (the server's
         * answer to a ping sent after the UNSUB comes after them all); false if that took longer than {@code timeout}.
         */
        boolean drain(Duration timeout) throws InterruptedException {
            return CoreConnection.this.drain(List.of(this), timeout);
        }

        private byte[] subLine() {
            return ("SUB " + subject + (queue == null ? "" : " " + queue) + " " + sid + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final Settings settings;
    private final List<URI> servers;
    private final CoreOutput output;
    private final Map<Integer, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final AtomicInteger nextSid = new AtomicInteger();
    private final Queue<CompletableFuture<Void>> pongs = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pingsOut = new AtomicInteger();
    private final Thread pinger;
    private final Object sessionLock = new Object();
    private volatile Status status = Status.RECONNECTING;
    private volatile Session session;
    private volatile long maxPayload;
    private volatile String connectedUrl;
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private volatile long reconnects;
    private int serverIndex;

    private CoreConnection(Settings settings) {
        this.settings = settings;
        List<URI> ordered = new ArrayList<>(settings.servers());
        if (settings.randomize()) {
            Collections.shuffle(ordered); // as jnats does unless told not to: clients spread over a cluster
        }
        this.servers = new CopyOnWriteArrayList<>(ordered);
        this.output = new CoreOutput(settings.name(), this::writeFailed);
        this.pinger = Thread.ofPlatform().daemon().name("natrix-core-pinger " + settings.name()).unstarted(this::pingLoop);
    }

    /** Connects to the first server of the list that takes the connection; fails if none does. */
    static CoreConnection connect(Settings settings) throws IOException {
        ReaderAsCarrier.tellIfUnavailable();
        CoreConnection connection = new CoreConnection(settings);
        IOException last = null;
        for (int i = 0; i < connection.servers.size(); i++) {
            try {
                connection.open(connection.servers.get(i));
                connection.serverIndex = i;
                connection.pinger.start();
                return connection;
            } catch (IOException e) {
                last = e;
            }
        }
        connection.close();
        throw last;
    }

    /** A subscription whose messages {@code handler} takes on the reader thread; in {@code queue} if not null. */
    Subscription subscribe(String subject, String queue, Handler handler) {
        if (status == Status.CLOSED) {
            throw new IllegalStateException("the connection is closed");
        }
        Subscription subscription = new Subscription(nextSid.incrementAndGet(), subject, queue, handler);
        subscriptions.put(subscription.sid, subscription);
        output.line(subscription.subLine());
        return subscription;
    }

    /** {@link Subscription#drain} of several subscriptions with one round trip. */
    boolean drain(List<Subscription> draining, Duration timeout) throws InterruptedException {
        if (status == Status.CLOSED) {
            return true;
        }
        for (Subscription subscription : draining) {
            output.line(("UNSUB " + subscription.sid + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        try {
            return flush(timeout);
        } finally {
            draining.forEach(subscription -> subscriptions.remove(subscription.sid));
        }
    }

    /**
     * Publishes; {@code replyTo} and {@code headers} (a {@link HeaderLines}'s bytes) may be null. Throws
     * IllegalStateException once closed.
     */
    void publish(String subject, String replyTo, byte[] headers, byte[] body) {
        output.publish(ascii(subject), replyTo == null ? null : ascii(replyTo), headers, body == null ? new byte[0] : body);
        messagesOut.increment();
    }

    long messagesIn() {
        return messagesIn.sum();
    }

    long messagesOut() {
        return messagesOut.sum();
    }

    /** Times the connection connected again after losing its server. */
    long reconnects() {
        return reconnects;
    }

    /** A new inbox subject under the connection's inbox prefix. */
    String createInbox() {
        return settings.inboxPrefix() + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
                + Long.toString(System.nanoTime() & 0xFFFFFF, 36);
    }

    /** Writes what waits and returns once the server answered a ping sent after it; false past {@code timeout}. */
    boolean flush(Duration timeout) throws InterruptedException {
        if (status != Status.CONNECTED) {
            return false; // a ping written now could be answered by a server that never saw what came before it
        }
        CompletableFuture<Void> pong = new CompletableFuture<>();
        synchronized (pongs) { // each PONG answers the oldest PING: queue and write in one order
            pongs.add(pong);
            output.line(PING);
        }
        try {
            pong.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return false; // the connection was lost or closed before the answer
        }
    }

    Status status() {
        return status;
    }

    /** The largest payload the server takes (0 before the first connection). */
    long maxPayload() {
        return maxPayload;
    }

    /** The server connected to now, or null. */
    String connectedUrl() {
        return status == Status.CONNECTED ? connectedUrl : null;
    }

    @Override
    public void close() {
        try {
            // what was published before close reaches the server: asked while still connected, since a flush of a
            // connection marked closed returns at once (one was, and a flood's last 9,426 messages never left)
            flush(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Session last;
        synchronized (sessionLock) {
            if (status == Status.CLOSED) {
                return;
            }
            status = Status.CLOSED;
            last = session;
            session = null;
        }
        if (last != null) {
            last.close();
        }
        output.discard();
        output.close();
        failPongs();
        pinger.interrupt();
    }

    // ---- connecting ----

    /** One socket's life: its reader thread runs until the socket fails or closes. */
    private final class Session implements CoreReader.Events {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final URI server;
        private volatile boolean over;

        Session(Socket socket, URI server) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = socket.getInputStream();
            this.server = server;
        }

        void read() {
            read(new CoreReader(in, this));
        }

        /** Reads with {@code reader} on this thread until the socket ends or another thread takes the reading over. */
        private void read(CoreReader reader) {
            Thread self = Thread.currentThread();
            ReaderAsCarrier.becomeReader(() -> takeOver(reader, self));
            try {
                if (reader.run()) {
                    lost(this, new IOException("the server closed the connection"));
                }
            } catch (IOException | RuntimeException e) {
                lost(this, e);
            } finally {
                ReaderAsCarrier.leave();
            }
        }

        /** A thread that {@code held} ran holds it ({@link ReaderWatch}): another reads on where it stopped. */
        private void takeOver(CoreReader reader, Thread held) {
            if (!over) {
                Thread next = readerThread(() -> read(reader));
                output.readBy(held, next);
                next.start();
            }
        }

        @Override
        public void message(int sid, NatsMessage message) {
            messagesIn.increment();
            Subscription subscription = subscriptions.get(sid);
            if (subscription != null) {
                try {
                    subscription.handler.on(message);
                } catch (Throwable e) { // the reader goes on: one handler's failure must not stop the connection
                    LOG.log(Level.WARNING, "a handler of " + subscription.subject + " failed on the reader thread", e);
                }
            }
        }

        @Override
        public void ping() {
            output.line(PONG);
        }

        @Override
        public void pong() {
            pingsOut.set(0);
            CompletableFuture<Void> pong = pongs.poll();
            if (pong != null) {
                pong.complete(null);
            }
        }

        @Override
        public void info(String json) {
            try {
                learn(JSON.readTree(json), server);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "the server sent an INFO that is not JSON: {0}", json);
            }
        }

        @Override
        public void error(String text) {
            settings.errors().accept(text);
        }

        void close() {
            over = true;
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Connects to {@code server}: INFO, TLS when asked, CONNECT, every subscription, then a PING answered. */
    private void open(URI server) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setReceiveBufferSize(1 << 20);
            socket.setSendBufferSize(1 << 20);
            int timeout = (int) settings.connectTimeout().toMillis();
            socket.connect(new InetSocketAddress(server.getHost(), server.getPort() < 0 ? 4222 : server.getPort()), timeout);
            socket.setSoTimeout(timeout);
            JsonNode info = JSON.readTree(readLine(socket.getInputStream(), "INFO "));
            boolean tls = info.path("tls_required").asBoolean(false) || settings.ssl() != null;
            if (tls) {
                if (settings.ssl() == null) {
                    throw new IOException(server + " requires TLS: give the connection the CA to trust");
                }
                SSLSocket secure = (SSLSocket) settings.ssl().getSocketFactory()
                        .createSocket(socket, server.getHost(), socket.getPort(), true);
                secure.setUseClientMode(true);
                secure.startHandshake();
                socket = secure;
            }
            OutputStream out = socket.getOutputStream();
            out.write(connectLine(server, info, tls));
            for (Subscription subscription : subscriptions.values()) {
                out.write(subscription.subLine());
            }
            out.write(PING);
            out.flush();
            InputStream in = socket.getInputStream();
            for (String answer = readLine(in, null); !answer.startsWith("PONG"); answer = readLine(in, null)) {
                if (answer.startsWith("PING")) {
                    out.write(PONG);
                    out.flush();
                } else if (answer.startsWith("INFO ")) {
                    learn(JSON.readTree(answer.substring(5)), server);
                } else if (!answer.startsWith("+OK")) {
                    throw new IOException(server + " refused the connection: " + answer);
                }
            }
            socket.setSoTimeout(0);
            Session opened = new Session(socket, server);
            synchronized (sessionLock) {
                if (status == Status.CLOSED) {
                    opened.close();
                    throw new IOException("closed while connecting");
                }
                learn(info, server);
                session = opened;
                connectedUrl = server.toString();
                pingsOut.set(0);
                status = Status.CONNECTED;
                Thread reader = readerThread(opened::read);
                output.attach(opened.out, reader);
                reader.start();
            }
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private byte[] connectLine(URI server, JsonNode info, boolean tls) throws IOException {
        ObjectNode connect = JSON.createObjectNode()
                .put("verbose", false).put("pedantic", false).put("tls_required", tls)
                .put("name", settings.name()).put("lang", "java-natrix").put("version", "1")
                .put("protocol", 1).put("headers", true).put("no_responders", true).put("echo", true);
        String nonce = info.path("nonce").asText(null);
        AuthHandler auth = settings.auth();
        if (auth != null) {
            char[] jwt = auth.getJWT();
            if (jwt != null && jwt.length > 0) {
                connect.put("jwt", new String(jwt));
            } else {
                connect.put("nkey", new String(auth.getID()));
            }
            if (nonce != null) {
                connect.put("sig", Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(auth.sign(nonce.getBytes(StandardCharsets.US_ASCII))));
            }
        }
        String userInfo = server.getRawUserInfo();
        if (userInfo != null) { // nats://user:password@host or nats://token@host
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                connect.put("auth_token", decode(userInfo));
            } else {
                connect.put("user", decode(userInfo.substring(0, colon))).put("pass", decode(userInfo.substring(colon + 1)));
            }
        }
        return ("CONNECT " + JSON.writeValueAsString(connect) + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** What an INFO says: the payload limit and the cluster's other servers. */
    private void learn(JsonNode info, URI from) {
        long max = info.path("max_payload").asLong(0);
        if (max > 0) {
            maxPayload = max;
        }
        for (JsonNode url : info.path("connect_urls")) {
            URI announced = URI.create(from.getScheme() + "://" + url.asText());
            if (!servers.contains(announced)) {
                servers.add(announced);
            }
        }
    }

    /** The socket of {@code lost} failed: connect again, unless closing or already reconnecting. */
    private void lost(Session lost, Exception cause) {
        synchronized (sessionLock) {
            if (lost.over || session != lost || status == Status.CLOSED) {
                return;
            }
            lost.close();
            session = null;
            status = Status.RECONNECTING;
            output.detach();
        }
        LOG.log(Level.WARNING, "NATS connection to {0} lost ({1}); connecting again", lost.server, cause.toString());
        failPongs();
        Thread.ofPlatform().daemon().name("natrix-core-reconnect " + settings.name()).start(this::reconnect);
    }

    private void writeFailed(IOException e) {
        Session current = session;
        if (current != null) {
            lost(current, e);
        }
    }

    /** Tries each server in turn, starting after the one lost, until one takes the connection or the connection closes. */
    private void reconnect() {
        for (int round = 0; status != Status.CLOSED; round++) {
            if (settings.maxReconnects() >= 0 && round * servers.size() >= settings.maxReconnects()) {
                LOG.log(Level.WARNING, "NATS connection given up after {0} attempts to reconnect", settings.maxReconnects());
                close();
                return;
            }
            for (int tried = 0; tried < servers.size() && status != Status.CLOSED; tried++) {
                serverIndex = (serverIndex + 1) % servers.size();
                URI server = servers.get(serverIndex);
                try {
                    open(server);
                    reconnects++;
                    LOG.log(Level.INFO, "NATS connection is back, on {0}", server);
                    return;
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "could not reconnect to {0}: {1}", server, e.toString());
                }
            }
            try {
                Thread.sleep(RECONNECT_PAUSE);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Every ping interval: a ping, and the server given up when {@code maxPingsOut} went unanswered. */
    private void pingLoop() {
        while (status != Status.CLOSED) {
            try {
                Thread.sleep(settings.pingInterval());
            } catch (InterruptedException e) {
                return;
            }
            Session current = session;
            if (current == null) {
                continue;
            }
            if (pingsOut.incrementAndGet() > settings.maxPingsOut()) {
                lost(current, new IOException(settings.maxPingsOut() + " pings went unanswered"));
                continue;
            }
            synchronized (pongs) {
                pongs.add(new CompletableFuture<>());
                try {
                    output.line(PING);
                } catch (IllegalStateException closed) {
                    return;
                }
            }
        }
    }

    private void failPongs() {
        synchronized (pongs) {
            for (CompletableFuture<Void> pong; (pong = pongs.poll()) != null; ) {
                pong.completeExceptionally(new IOException("the connection was lost before the server answered"));
            }
        }
    }

    private static String decode(String text) {
        return java.net.URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private Thread readerThread(Runnable read) {
        return Thread.ofPlatform().daemon().name("natrix-core-reader " + settings.name()).unstarted(read);
    }

    /** One line of the server's, before the reader starts; {@code expected} (when not null) must begin it. */
    private static String readLine(InputStream in, String expected) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') {
                String text = line.toString().strip();
                if (expected != null && !text.startsWith(expected)) {
                    throw new IOException("expected " + expected.strip() + " from the server, got: " + text);
                }
                return expected == null ? text : text.substring(expected.length());
            }
            line.append((char) c);
            if (line.length() > 64 * 1024) {
                throw new IOException("the server's line is too long");
            }
        }
        throw new IOException("the server closed the connection");
    }
}
