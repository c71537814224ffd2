package io.natrix;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a {@link CoreConnection} writes, in the order written: protocol lines appended to a buffer under a lock, and
 * sent without a thread hand-off when the connection is quiet: the publisher that finds nobody writing writes
 * the buffer out itself, so a request pays no wake-up of a writer thread. When writes come closer together than
 * {@link #HOT_NANOS}, the flusher thread takes the writing over and sends what accumulated in batches, spinning
 * briefly before it parks, so a flood pays one wake-up, not one per message (measured in issue 15's wire
 * prototype: BENCHMARKS.md).
 *
 * <p>While no socket is attached (the connection is connecting again) lines accumulate, up to
 * {@link #DETACHED_LIMIT} bytes; past that a write is refused with an {@link IllegalStateException}. Attached,
 * the buffer grows as needed: the server reads whatever it is sent or closes the connection.
 */
final class CoreOutput implements AutoCloseable {

    /** Writes closer together than this are a flood: the flusher takes the writing over. */
    static final long HOT_NANOS = 20_000;
    /**
     * How long the flusher waits for more before it parks. It waits yielding its core and reading a flag, not
     * spinning on the lock: on a busy machine (ten JVMs on two cores in the fleet bench) the spin took CPU the
     * writers needed and made them wait for the lock it kept taking (the fleet bench's 14,000 drivers: 85,633
     * errors with the spin, 0 with the yielding wait; BENCHMARKS.md).
     */
    static final long WAIT_NANOS = 50_000;
    /** What may wait for a server while there is none (jnats's reconnect buffer holds as much by default). */
    static final int DETACHED_LIMIT = 8 << 20;

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] PUB = "PUB ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HPUB = "HPUB ".getBytes(StandardCharsets.US_ASCII);

    private final ReentrantLock lock = new ReentrantLock();
    private final Thread flusher;
    private final Consumer<IOException> broken;
    private volatile boolean closed;
    /** Set by a writer that appended while the flusher holds the writing: the flusher's wait ends. */
    private volatile boolean appended;

    // under lock
    private byte[] pending = new byte[1 << 16];
    private int pendingLength;
    private byte[] spare = new byte[1 << 16];
    private OutputStream out; // null: detached
    private boolean writing; // a thread (a writer or the flusher) is sending pending out
    private boolean flusherOn; // the flusher holds the writing
    private long lastWrite; // when a writer last sent by itself
    private Thread reader; // the attached socket's reader: never writes by itself

    /** {@code broken} hears of a socket that failed a write (once per attached socket). */
    CoreOutput(String name, Consumer<IOException> broken) {
        this.broken = broken;
        this.flusher = Thread.ofPlatform().daemon().name("natrix-core-flusher " + name).start(this::flushLoop);
    }

    /**
     * Sends to {@code stream} from now on, starting with what accumulated while detached. What {@code reader}
     * (the thread that reads the stream's socket) publishes always goes through the flusher: the reader never
     * waits on a socket write, so it keeps reading while the server is slow to take what is sent.
     */
    void attach(OutputStream stream, Thread reader) {
        lock.lock();
        try {
            out = stream;
            this.reader = reader;
            if (writing || pendingLength == 0) {
                return;
            }
            writing = true;
        } finally {
            lock.unlock();
        }
        drain();
    }

    /** {@code next} reads the attached socket from now on in place of {@code held}, if that read it (see {@link #attach}). */
    void readBy(Thread held, Thread next) {
        lock.lock();
        try {
            if (reader == held) {
                reader = next;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops sending; what is appended from now on waits for the next {@link #attach}. */
    void detach() {
        lock.lock();
        try {
            out = null;
        } finally {
            lock.unlock();
        }
    }

    /** Drops what waits to be sent (a connection closed for good). */
    void discard() {
        lock.lock();
        try {
            pendingLength = 0;
        } finally {
            lock.unlock();
        }
    }

    /** {@code PUB subject [replyTo] size} or, with headers, {@code HPUB subject [replyTo] hsize tsize}; then the body. */
    void publish(byte[] subject, byte[] replyTo, byte[] headers, byte[] body) {
        int size = (headers == null ? 0 : headers.length) + body.length;
        lock.lock();
        try {
            room(size + subject.length + (replyTo == null ? 0 : replyTo.length) + 40);
            append(headers == null ? PUB : HPUB);
            append(subject);
            if (replyTo != null) {
                appendByte((byte) ' ');
                append(replyTo);
            }
            appendByte((byte) ' ');
            if (headers != null) {
                appendNumber(headers.length);
                appendByte((byte) ' ');
            }
            appendNumber(size);
            append(CRLF);
            if (headers != null) {
                append(headers);
            }
            append(body);
            append(CRLF);
        } catch (RuntimeException e) {
            lock.unlock();
            throw e;
        }
        send();
    }

    /** A protocol line as is (SUB, UNSUB, PING, PONG, CONNECT: each ends in CRLF). */
    void line(byte[] line) {
        lock.lock();
        try {
            room(line.length);
            append(line);
        } catch (RuntimeException e) {
            lock.unlock();
            throw e;
        }
        send();
    }

    /** Called holding the lock, after appending: lets go of it and sees that what was appended is sent. */
    private void send() {
        boolean self;
        try {
            if (writing || out == null) {
                if (flusherOn) {
                    appended = true;
                }
                return; // whoever writes takes this too; detached, it waits for the next socket
            }
            writing = true;
            long now = System.nanoTime();
            self = now - lastWrite > HOT_NANOS && Thread.currentThread() != reader;
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

    private void room(int more) {
        if (closed) {
            throw new IllegalStateException("the connection is closed");
        }
        if (out == null && pendingLength + more > DETACHED_LIMIT) {
            throw new IllegalStateException("no NATS server is connected and " + DETACHED_LIMIT
                    + " bytes already wait for one");
        }
    }

    /** Sends what is pending until nothing is; then lets go of the writing. */
    private void drain() {
        while (true) {
            int length;
            OutputStream stream;
            lock.lock();
            try {
                stream = out;
                length = stream == null ? 0 : takePending();
                if (length == 0) {
                    writing = false;
                    return;
                }
            } finally {
                lock.unlock();
            }
            write(stream, length);
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
                OutputStream stream;
                appended = false; // before taking: what comes after this is seen by the wait below
                lock.lock();
                try {
                    stream = out;
                    length = stream == null ? 0 : takePending();
                    if (length == 0 && (stream == null || System.nanoTime() - idleSince > WAIT_NANOS)) {
                        writing = false;
                        flusherOn = false;
                        break;
                    }
                } finally {
                    lock.unlock();
                }
                if (length > 0) {
                    write(stream, length);
                    idleSince = System.nanoTime();
                } else {
                    while (!appended && System.nanoTime() - idleSince <= WAIT_NANOS) {
                        Thread.yield();
                    }
                }
            }
        }
    }

    /** Under the lock: swaps the buffers, so what was pending is in {@code spare} to send outside the lock. */
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

    /** Outside the lock, by the one thread that holds the writing: {@code spare} is its own until it lets go. */
    private void write(OutputStream stream, int length) {
        try {
            stream.write(spare, 0, length);
            stream.flush();
        } catch (IOException e) {
            detachIf(stream);
            if (!closed) {
                broken.accept(e);
            }
        }
    }

    private void detachIf(OutputStream stream) {
        lock.lock();
        try {
            if (out == stream) {
                out = null;
            }
        } finally {
            lock.unlock();
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

    @Override
    public void close() {
        closed = true;
        detach();
        LockSupport.unpark(flusher);
    }
}
