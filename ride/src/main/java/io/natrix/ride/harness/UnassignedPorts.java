package io.natrix.ride.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports for the processes the harness starts and names in advance (the gateways'), chosen below the
 * kernel's ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range}). A port taken from the kernel with a
 * bind to port 0 and let go is free to be handed out again to the next bind to port 0 before its own process
 * binds it: a demo's nats-server (started on port 0 after the gateways' ports were chosen) once got the port a
 * gateway was to take, and that gateway could not listen. The kernel never hands out a port below its range to
 * a bind to port 0, so only a program that names the port itself can take one of these first.
 */
final class UnassignedPorts {

    /** Where to look when the kernel's range cannot be read (Linux's default range begins at 32768). */
    private static final int DEFAULT_EPHEMERAL_LOW = 32768;
    /** The lowest port chosen: above the usual well-known and registered services' ports. */
    private static final int LOWEST = 10000;

    private UnassignedPorts() {
    }

    /** {@code count} distinct ports, each free on the loopback address when it was chosen. */
    static int[] choose(int count) {
        int high = ephemeralLow();
        int[] ports = new int[count];
        int chosen = 0;
        for (int attempt = 0; chosen < count; attempt++) {
            if (attempt > 10_000) {
                throw new IllegalStateException("no " + count + " free ports between " + LOWEST + " and " + high);
            }
            int candidate = ThreadLocalRandom.current().nextInt(LOWEST, high);
            if (!contains(ports, chosen, candidate) && free(candidate)) {
                ports[chosen++] = candidate;
            }
        }
        return ports;
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

    private static boolean contains(int[] ports, int count, int port) {
        for (int i = 0; i < count; i++) {
            if (ports[i] == port) {
                return true;
            }
        }
        return false;
    }

    /** Whether nothing listens on the port on the loopback address (a bind to it succeeds). */
    static boolean free(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
