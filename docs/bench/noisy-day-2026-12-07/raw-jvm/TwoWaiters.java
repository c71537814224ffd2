import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One caller's round trips through a nats-server, on the raw protocol, each side read either by one blocking
 * thread that also handles what it reads (as natrix's reader as a carrier does) or by two threads that each wait
 * for the socket with a selector of their own, the first awake reading and handling (as Go's runtime lets any of
 * its threads poll the network). Question: does a second waiter cut the 3-5 ms calls of a noisy day?
 *
 * usage: java TwoWaiters.java responder one|two PORT
 *        java TwoWaiters.java requester one|two PORT SECONDS
 */
public class TwoWaiters {

    static final byte[] PAYLOAD = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    interface Conn {
        void send(byte[] bytes) throws Exception;
    }

    interface Handler {
        void message(String subject, String reply, Conn conn) throws Exception;
    }

    /** Parses MSG lines and PINGs out of a byte buffer. */
    static final class Parser {
        byte[] buf = new byte[1 << 16];
        int start, end;

        void parse(Conn conn, Handler handler) throws Exception {
            while (true) {
                int crlf = indexOfCrlf(start);
                if (crlf < 0) {
                    break;
                }
                String line = new String(buf, start, crlf - start, StandardCharsets.US_ASCII);
                if (line.startsWith("MSG ")) {
                    String[] p = line.split(" ");
                    int size = Integer.parseInt(p[p.length - 1]);
                    if (crlf + 2 + size + 2 > end) {
                        break;
                    }
                    start = crlf + 2 + size + 2;
                    handler.message(p[1], p.length == 5 ? p[3] : null, conn);
                } else {
                    start = crlf + 2;
                    if (line.equals("PING")) {
                        conn.send("PONG\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                }
            }
            if (start == end) {
                start = end = 0;
            } else if (end == buf.length) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
        }

        int indexOfCrlf(int from) {
            for (int i = from; i + 1 < end; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }

    static byte[] pub(String subject, String reply) {
        String head = "PUB " + subject + (reply == null ? "" : " " + reply) + " " + PAYLOAD.length + "\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(h, h.length + PAYLOAD.length + 2);
        System.arraycopy(PAYLOAD, 0, all, h.length, PAYLOAD.length);
        all[all.length - 2] = '\r';
        all[all.length - 1] = '\n';
        return all;
    }

    static final String CONNECT = "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":false,\"protocol\":1}\r\n";

    /** One blocking reader thread that handles what it reads. */
    static Conn one(int port, String subscribe, Handler handler) throws Exception {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        Object writeLock = new Object();
        Conn conn = bytes -> {
            synchronized (writeLock) {
                out.write(bytes);
            }
        };
        conn.send((CONNECT + subscribe).getBytes(StandardCharsets.US_ASCII));
        Parser parser = new Parser();
        Thread.ofPlatform().daemon().name("reader").start(() -> {
            try {
                while (true) {
                    int n = in.read(parser.buf, parser.end, parser.buf.length - parser.end);
                    if (n < 0) {
                        return;
                    }
                    parser.end += n;
                    parser.parse(conn, handler);
                }
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(2);
            }
        });
        return conn;
    }

    /** Two threads, each waiting on a selector of its own; the first awake reads and handles. */
    static Conn two(int port, String subscribe, Handler handler) throws Exception {
        SocketChannel channel = SocketChannel.open();
        channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        channel.connect(new InetSocketAddress("127.0.0.1", port));
        channel.configureBlocking(false);
        ReentrantLock readLock = new ReentrantLock();
        Object writeLock = new Object();
        Conn conn = bytes -> {
            synchronized (writeLock) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            }
        };
        conn.send((CONNECT + subscribe).getBytes(StandardCharsets.US_ASCII));
        Parser parser = new Parser();
        for (int t = 0; t < 2; t++) {
            Selector selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            Thread.ofPlatform().daemon().name("waiter-" + t).start(() -> {
                try {
                    while (true) {
                        selector.select();
                        selector.selectedKeys().clear();
                        if (!readLock.tryLock()) {
                            readLock.lock(); // the other waiter reads: wait till it is done, then look again
                            readLock.unlock();
                            continue;
                        }
                        try {
                            while (true) {
                                ByteBuffer into = ByteBuffer.wrap(parser.buf, parser.end, parser.buf.length - parser.end);
                                int n = channel.read(into);
                                if (n < 0) {
                                    System.exit(0);
                                }
                                if (n == 0) {
                                    break;
                                }
                                parser.end += n;
                                parser.parse(conn, handler);
                            }
                        } finally {
                            readLock.unlock();
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                    System.exit(2);
                }
            });
        }
        return conn;
    }

    static Conn connect(String mode, int port, String subscribe, Handler handler) throws Exception {
        return mode.equals("two") ? two(port, subscribe, handler) : one(port, subscribe, handler);
    }

    static volatile Object sink;
    static final int GARBAGE = Integer.getInteger("garbage", 0);

    static void garbage() {
        if (GARBAGE > 0) {
            sink = new byte[GARBAGE];
        }
    }

    public static void main(String[] args) throws Exception {
        String role = args[0];
        String mode = args[1];
        int port = Integer.parseInt(args[2]);
        if (role.equals("responder")) {
            connect(mode, port, "SUB svc q 1\r\n", (subject, reply, conn) -> { garbage(); conn.send(pub(reply, null)); });
            Thread.sleep(Long.MAX_VALUE);
        }
        int seconds = Integer.parseInt(args[3]);
        byte[] request = pub("svc", "inbox.1");
        long[] sent = {0};
        long warmEnd = System.nanoTime() + 5_000_000_000L;
        long end = warmEnd + seconds * 1_000_000_000L;
        long[] calls = new long[1];
        long[] latencies = new long[2_000_000];
        Object done = new Object();
        Conn[] self = new Conn[1];
        self[0] = connect(mode, port, "SUB inbox.1 1\r\nPING\r\n", (subject, reply, conn) -> {
            long now = System.nanoTime();
            garbage();
            if (now >= warmEnd && now < end && calls[0] < latencies.length) {
                latencies[(int) calls[0]++] = now - sent[0];
            }
            if (now >= end) {
                synchronized (done) {
                    done.notifyAll();
                }
                return;
            }
            sent[0] = System.nanoTime();
            conn.send(request);
        });
        Thread.sleep(300);
        sent[0] = System.nanoTime();
        self[0].send(request);
        synchronized (done) {
            done.wait((seconds + 10) * 1000L);
        }
        long[] l = Arrays.copyOf(latencies, (int) calls[0]);
        long total = 0, over3 = 0, over5 = 0, over1 = 0, in3 = 0;
        for (long x : l) {
            total += x;
            if (x > 1_000_000) over1++;
            if (x >= 3_000_000) { over3++; in3 += x; }
            if (x >= 5_000_000) over5++;
        }
        Arrays.sort(l);
        // the corrected p99: a call of d at a mean interval m stands for d/m calls, as a steady caller would have made
        double mean = (double) total / l.length;
        java.util.List<Long> corrected = new java.util.ArrayList<>();
        for (long x : l) {
            for (long v = x; v > 0; v -= (long) mean) {
                corrected.add(v);
            }
        }
        java.util.Collections.sort(corrected);
        System.out.printf("%s calls %d rate %.0f/s p50 %d p99 %d p99corr %d us; >1ms %d >=3ms %d >=5ms %d in>=3 %.1f ms%n",
                mode, l.length, l.length / (double) seconds, l[l.length / 2] / 1000, l[(int) (l.length * 0.99)] / 1000,
                corrected.get((int) (corrected.size() * 0.99)) / 1000, over1, over3, over5, in3 / 1e6);
        System.exit(0);
    }
}
