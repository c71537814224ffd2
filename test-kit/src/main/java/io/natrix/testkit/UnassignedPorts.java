package io.natrix.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports for processes that are told their port before they start (nats-servers, gateways, a redis-server),
 * chosen below the kernel's ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range}). A port taken from
 * the kernel with a bind to port 0 and let go can be handed out again, to the next bind to port 0 or to an
 * outgoing connection, before its own process binds it: a demo's nats-server once got the port a gateway was to
 * take, and that gateway could not listen. The kernel never hands out a port below its range by itself, so only a
 * program that names the port can take one of these first; and this process never hands out the same port twice
 * (until it has handed out half of them), so two of its own choices cannot meet either.
 */
public final class UnassignedPorts {

    /** Where to look when the kernel's range cannot be read (Linux's default range begins at 32768). */
    private static final int DEFAULT_EPHEMERAL_LOW = 32768;
    /** The lowest port chosen: above the usual well-known and registered services' ports. */
    private static final int LOWEST = 10000;

    /** Every port this process has handed out, so that none is handed out again while its process may still start. */
    private static final BitSet HANDED_OUT = new BitSet();

    private UnassignedPorts() {
    }

    /** One port, free on the loopback address when it was chosen. */
    public static int choose() {
        return choose(1)[0];
    }

    /** {@code count} distinct ports, each free on the loopback address when it was chosen and none chosen before. */
    public static synchronized int[] choose(int count) {
        int high = ephemeralLow();
        if (HANDED_OUT.cardinality() + count > (high - LOWEST) / 2) {
            HANDED_OUT.clear(); // long gone: a process is told its port within seconds of the choice
        }
        int[] ports = new int[count];
        int chosen = 0;
        for (int attempt = 0; chosen < count; attempt++) {
            if (attempt > 10_000) {
                throw new IllegalStateException("no " + count + " free ports between " + LOWEST + " and " + high);
            }
            int candidate = ThreadLocalRandom.current().nextInt(LOWEST, high);
            if (!HANDED_OUT.get(candidate) && free(candidate)) {
                HANDED_OUT.set(candidate);
                ports[chosen++] = candidate;
            }
        }
        return ports;
    }

    /** Whether nothing listens on the port on the loopback address (a bind to it succeeds). */
    public static boolean free(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range. */
    static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > LOWEST + 1000 ? low : DEFAULT_EPHEMERAL_LOW;
        } catch (IOException | RuntimeException unreadable) {
            return DEFAULT_EPHEMERAL_LOW;
        }
    }
}
