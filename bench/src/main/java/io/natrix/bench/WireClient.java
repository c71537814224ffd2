package io.natrix.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A prototype of the NATS protocol's hot path for the JVM, measured beside jnats and nats.go in
 * {@code ./natrix bench peers} (issue 15, goals 3 and 4): what a Java client's per-message cost can be on this
 * machine when it is built for it. <b>Not a client</b>: no TLS, no authentication, no headers, no reconnect, no
 * slow-consumer limits; plain servers only.
 *
 * <p>What it does differently from jnats, each aimed at a cost the profiles found (BENCHMARKS.md, "Where a
 * one-listener broadcast's time goes"):
 * <ul>
 *   <li><b>Messages parsed from bytes</b>, subject and sid read in place, the sid an index into an array of handlers,
 *       each message handled on the reader thread as it is parsed (no queue, no dispatcher thread).</li>
 *   <li><b>Writes without a hand-off when the connection is quiet</b>: a publisher appends to the buffer under a
 *       lock and, if nobody is writing, writes it out itself (a request's latency pays no thread wake-up). When
 *       publishes come faster than one every {@link #HOT_NANOS}, a flusher thread takes over and writes what
 *       accumulated in batches, spinning briefly before it parks, so a flood pays one wake-up, not one per message.</li>
 *   <li><b>Replies routed on the reader thread</b> to the caller's future by a token in the reply subject.</li>
 * </ul>
 */
final class WireClient implements AutoCloseable {

    /** A message's handler, run on the reader thread: it must not block. {@code replyTo} is null when none. */
    interface Handler {
        void on(byte[] replyTo, byte[] data);
    }

    /** Publishes closer together than this are a flood: the flusher thread takes the writing over. */
    static final long HOT_NANOS = 20_000;
    /** How long the flusher waits for more before it parks. */
    static final long SPIN_NANOS = 50_000;

    private static final byte[] CRLF = {'\r', '\n'};

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Thread reader;
    private final Thread flusher;
    private volatile boolean closed;

    // writing, under lock
    private final ReentrantLock lock = new ReentrantLock();
    private byte[] pending = new byte[1 << 16];
    private int pendingLength;
    private byte[] spare = new byte[1 << 16];
    private boolean writing; // a thread (a publisher or the flusher) is writing pending out
    private boolean flusherOn; // the flusher holds the writing
    private long lastWrite; // when a publisher last wrote by itself

    // reading
    private volatile Handler[] handlers = new Handler[16];
    private int nextSid = 1;
    private final byte[] inbox;
    private final ConcurrentHashMap<Long, CompletableFuture<byte[]>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();
    private final java.util.Queue<CompletableFuture<Void>> pongs = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private WireClient(Socket socket, String name) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        String info = readLine(in);
        if (!info.startsWith("INFO ")) {
            throw new IOException("expected INFO, got " + info);
        }
        String inboxPrefix = "_WIRE." + Long.toString(System.nanoTime(), 36) + ".";
        this.inbox = inboxPrefix.getBytes(StandardCharsets.US_ASCII);
        write(("CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1,\"headers\":false,\"name\":\"" + name
                + "\"}\r\n").getBytes(StandardCharsets.US_ASCII));
        this.reader = Thread.ofPlatform().daemon().name("wire-reader " + name).start(this::readLoop);
        this.flusher = Thread.ofPlatform().daemon().name("wire-flusher " + name).start(this::flushLoop);
        subscribe(inboxPrefix + "*", null, null); // sid 1: replies, routed by their subject's token
        flush();
    }

    static WireClient connect(String url, String name) throws IOException {
        URI uri = URI.create(url.split(",")[0]);
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setReceiveBufferSize(1 << 20);
        socket.setSendBufferSize(1 << 20);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        return new WireClient(socket, name);
    }

    /** Subscribes, in {@code queue} when not null; the handler runs on the reader thread. */
    void subscribe(String subject, String queue, Handler handler) {
        int sid;
        lock.lock();
        try {
            sid = nextSid++;
            Handler[] grown = handlers.length > sid ? handlers.clone() : Arrays.copyOf(handlers, sid * 2);
            grown[sid] = handler;
            handlers = grown;
        } finally {
            lock.unlock();
        }
        write(("SUB " + subject + (queue == null ? "" : " " + queue) + " " + sid + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    void publish(byte[] subject, byte[] replyTo, byte[] data) {
        lock.lock();
        boolean self;
        try {
            append(PUB);
            append(subject);
            if (replyTo != null) {
                appendByte((byte) ' ');
                append(replyTo);
            }
            appendByte((byte) ' ');
            appendNumber(data.length);
            append(CRLF);
            append(data);
            append(CRLF);
            if (writing) {
                return; // whoever writes takes this too
            }
            writing = true;
            long now = System.nanoTime();
            self = now - lastWrite > HOT_NANOS;
            if (self) {
                lastWrite = now;
            } else {
                flusherOn = true;
            }
        } finally {
            lock.unlock();
        }
        if (self) {
            drain();
        } else {
            LockSupport.unpark(flusher);
        }
    }

    /** Sends a request and returns its reply's payload, waiting at most {@code timeoutNanos}. */
    byte[] request(byte[] subject, byte[] data, long timeoutNanos) throws Exception {
        long token = tokens.incrementAndGet();
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        waiting.put(token, reply);
        byte[] replyTo = Arrays.copyOf(inbox, inbox.length + 13);
        int length = inbox.length + writeToken(token, replyTo, inbox.length);
        try {
            publish(subject, Arrays.copyOf(replyTo, length), data);
            return reply.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } finally {
            waiting.remove(token);
        }
    }

    /** Writes everything pending and returns once the server has answered a PING sent after it (as jnats's flush). */
    void flush() {
        CompletableFuture<Void> pong = new CompletableFuture<>();
        boolean self;
        lock.lock();
        try {
            pongs.add(pong); // in the order the PINGs are written: each PONG answers the oldest
            append(PING);
            self = !writing;
            writing = true;
        } finally {
            lock.unlock();
        }
        if (self) {
            drain();
        }
        pong.orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Override
    public void close() throws IOException {
        flush();
        closed = true;
        LockSupport.unpark(flusher);
        socket.close();
    }

    // ---- writing ----

    private static final byte[] PUB = "PUB ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);

    private void write(byte[] bytes) {
        lock.lock();
        try {
            append(bytes);
            if (writing) {
                return;
            }
            writing = true;
        } finally {
            lock.unlock();
        }
        drain();
    }

    /** Writes what is pending until nothing is; then lets go of the writing. */
    private void drain() {
        while (true) {
            int length;
            lock.lock();
            try {
                length = takePending();
                if (length == 0) {
                    writing = false;
                    return;
                }
            } finally {
                lock.unlock();
            }
            send(spare, length);
        }
    }

    private void flushLoop() {
        while (!closed) {
            boolean mine;
            lock.lock();
            try {
                mine = flusherOn;
            } finally {
                lock.unlock();
            }
            if (!mine) {
                LockSupport.park(this);
                continue;
            }
            long idleSince = System.nanoTime();
            while (true) {
                int length;
                lock.lock();
                try {
                    length = takePending();
                    if (length == 0 && System.nanoTime() - idleSince > SPIN_NANOS) {
                        writing = false;
                        flusherOn = false;
                        break;
                    }
                } finally {
                    lock.unlock();
                }
                if (length > 0) {
                    send(spare, length);
                    idleSince = System.nanoTime();
                } else {
                    Thread.onSpinWait();
                }
            }
        }
    }

    /**
     * Under the lock, by the thread that holds the writing: swaps the buffers, so what was pending is in
     * {@code spare} for it to send outside the lock; returns its length (0: nothing was pending).
     */
    private int takePending() {
        int length = pendingLength;
        if (length > 0) {
            byte[] taken = pending;
            pending = spare;
            spare = taken;
            pendingLength = 0;
        }
        return length;
    }

    private void send(byte[] batch, int length) {
        try {
            out.write(batch, 0, length);
        } catch (IOException e) {
            if (!closed) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private void append(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, pending, pendingLength, bytes.length);
        pendingLength += bytes.length;
    }

    private void appendByte(byte b) {
        ensure(1);
        pending[pendingLength++] = b;
    }

    private void appendNumber(int n) {
        ensure(11);
        if (n == 0) {
            pending[pendingLength++] = '0';
            return;
        }
        int start = pendingLength;
        while (n > 0) {
            pending[pendingLength++] = (byte) ('0' + n % 10);
            n /= 10;
        }
        for (int i = start, j = pendingLength - 1; i < j; i++, j--) {
            byte t = pending[i];
            pending[i] = pending[j];
            pending[j] = t;
        }
    }

    private void ensure(int more) {
        if (pendingLength + more > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + more));
        }
    }

    private static int writeToken(long token, byte[] into, int at) {
        String text = Long.toString(token, 36);
        for (int i = 0; i < text.length(); i++) {
            into[at + i] = (byte) text.charAt(i);
        }
        return text.length();
    }

    // ---- reading ----

    private void readLoop() {
        byte[] buffer = new byte[1 << 16];
        int start = 0;
        int end = 0;
        try {
            while (!closed) {
                if (start > 0 && start == end) {
                    start = end = 0;
                }
                if (end == buffer.length) {
                    if (start > 0) {
                        System.arraycopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    } else {
                        buffer = Arrays.copyOf(buffer, buffer.length * 2);
                    }
                }
                int read = in.read(buffer, end, buffer.length - end);
                if (read < 0) {
                    return;
                }
                end += read;
                start = parse(buffer, start, end);
            }
        } catch (IOException e) {
            if (!closed) {
                waiting.values().forEach(future -> future.completeExceptionally(e));
            }
        }
    }

    /** Handles every whole protocol message in {@code buffer[start, end)}; returns where the first partial one starts. */
    private int parse(byte[] buffer, int start, int end) {
        while (start < end) {
            int lineEnd = indexOfCrlf(buffer, start, end);
            if (lineEnd < 0) {
                return start;
            }
            byte first = buffer[start];
            if (first == 'M') { // MSG <subject> <sid> [reply] <#bytes>
                int subjectStart = start + 4;
                int subjectEnd = indexOf(buffer, (byte) ' ', subjectStart, lineEnd);
                int sidEnd = indexOf(buffer, (byte) ' ', subjectEnd + 1, lineEnd);
                int sid = number(buffer, subjectEnd + 1, sidEnd);
                int lastSpace = lastIndexOf(buffer, (byte) ' ', sidEnd, lineEnd);
                int size = number(buffer, lastSpace + 1, lineEnd);
                int payloadStart = lineEnd + 2;
                if (payloadStart + size + 2 > end) {
                    return start; // the payload is not all here yet
                }
                byte[] replyTo = lastSpace > sidEnd ? Arrays.copyOfRange(buffer, sidEnd + 1, lastSpace) : null;
                byte[] data = Arrays.copyOfRange(buffer, payloadStart, payloadStart + size);
                if (sid == 1) {
                    routeReply(buffer, subjectStart, subjectEnd, data);
                } else {
                    Handler[] all = handlers;
                    if (sid < all.length && all[sid] != null) {
                        all[sid].on(replyTo, data);
                    }
                }
                start = payloadStart + size + 2;
            } else {
                if (first == 'P' && buffer[start + 1] == 'I') { // PING
                    write("PONG\r\n".getBytes(StandardCharsets.US_ASCII));
                } else if (first == 'P' && buffer[start + 1] == 'O') { // PONG: the oldest PING's answer
                    CompletableFuture<Void> pong = pongs.poll();
                    if (pong != null) {
                        pong.complete(null);
                    }
                } else if (first == '-') {
                    System.err.println("wire: " + new String(buffer, start, lineEnd - start, StandardCharsets.US_ASCII));
                }
                start = lineEnd + 2; // +OK, INFO
            }
        }
        return start;
    }

    private void routeReply(byte[] buffer, int subjectStart, int subjectEnd, byte[] data) {
        long token = 0;
        for (int i = subjectStart + inbox.length; i < subjectEnd; i++) {
            token = token * 36 + Character.digit(buffer[i], 36);
        }
        CompletableFuture<byte[]> reply = waiting.remove(token);
        if (reply != null) {
            reply.complete(data);
        }
    }

    private static int indexOfCrlf(byte[] buffer, int from, int end) {
        for (int i = from; i < end - 1; i++) {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] buffer, byte b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (buffer[i] == b) {
                return i;
            }
        }
        return end;
    }

    private static int lastIndexOf(byte[] buffer, byte b, int from, int end) {
        for (int i = end - 1; i >= from; i--) {
            if (buffer[i] == b) {
                return i;
            }
        }
        return from;
    }

    private static int number(byte[] buffer, int from, int end) {
        int n = 0;
        for (int i = from; i < end; i++) {
            n = n * 10 + (buffer[i] - '0');
        }
        return n;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') {
                return line.toString().strip();
            }
            line.append((char) c);
        }
        throw new IOException("the server closed the connection");
    }
}
