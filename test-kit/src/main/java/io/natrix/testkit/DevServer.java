package io.natrix.testkit;

import java.nio.file.Path;
import java.util.Map;

/**
 * A secured nats-server for running a service on one's own machine ({@code ./run} of a project made by
 * {@code natrix new}): makes or reuses its keys in a folder (an {@link NatsSecurity#ADMIN} user for tools, the
 * service's own user, a certificate authority), starts a server with JetStream on a port (any free port when that
 * one is taken), prints {@code NATS_URL=...}, {@code NATS_NKEY=...} (the service's seed) and {@code NATS_CA=...}
 * lines and then {@code ready}, and runs until it is stopped (SIGTERM, SIGINT); the server stops with it, however
 * it ends (SIGKILL included: {@link OrphanGuard}).
 *
 * <p>A project's own main calls {@link #run} with its service's user ({@link NatsSecurity.User#service}); this
 * class's {@code main}, {@code DevServer KEYS_DIR PORT}, serves the admin alone.
 */
public final class DevServer {

    private DevServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: DevServer KEYS_DIR PORT");
            System.exit(2);
        }
        run(Path.of(args[0]), Integer.parseInt(args[1]), NatsSecurity.ADMIN, NatsSecurity.User.admin());
    }

    /**
     * Runs the server until this JVM is stopped, with {@code user} (allowed what {@code permissions} say) beside the
     * admin; its seed is the {@code NATS_NKEY} printed.
     */
    public static void run(Path keys, int port, String user, NatsSecurity.User permissions) throws InterruptedException {
        Map<String, NatsSecurity.User> users = user.equals(NatsSecurity.ADMIN)
                ? Map.of(NatsSecurity.ADMIN, NatsSecurity.User.admin())
                : Map.of(NatsSecurity.ADMIN, NatsSecurity.User.admin(), user, permissions);
        NatsSecurity security = NatsSecurity.reuse(keys, users);
        NatsServerProcess server = NatsServerProcess.start(1, true, port, security).getFirst();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("natrix-dev-server-stop").unstarted(server::stop));
        System.out.println("NATS_URL=" + server.url());
        System.out.println("NATS_NKEY=" + security.seed(user));
        System.out.println("NATS_CA=" + security.ca());
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join(); // until stopped: the shutdown hook stops the server
    }
}
