package io.natrix.testkit;

import java.nio.file.Path;
import java.util.Map;

/**
 * A secured nats-server for running a service on one's own machine ({@code ./run} of a project made by
 * {@code natrix new}): {@code DevServer DIR PORT} makes or reuses its keys in {@code DIR} (an {@link NatsSecurity#ADMIN}
 * user and a certificate authority), starts a server with JetStream on {@code PORT} (any free port when that one is
 * taken), prints {@code NATS_URL=...}, {@code NATS_NKEY=...} and {@code NATS_CA=...} lines and then {@code ready},
 * and runs until it is stopped (SIGTERM, SIGINT); the server stops with it, however it ends (SIGKILL included:
 * {@link OrphanGuard}).
 */
public final class DevServer {

    private DevServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: DevServer KEYS_DIR PORT");
            System.exit(2);
        }
        NatsSecurity security = NatsSecurity.reuse(Path.of(args[0]), Map.of(NatsSecurity.ADMIN, NatsSecurity.User.admin()));
        NatsServerProcess server = NatsServerProcess.start(1, true, Integer.parseInt(args[1]), security).getFirst();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("natrix-dev-server-stop").unstarted(server::stop));
        System.out.println("NATS_URL=" + server.url());
        System.out.println("NATS_NKEY=" + security.seed(NatsSecurity.ADMIN));
        System.out.println("NATS_CA=" + security.ca());
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join(); // until stopped: the shutdown hook stops the server
    }
}
