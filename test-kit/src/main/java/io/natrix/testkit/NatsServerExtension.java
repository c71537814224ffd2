package io.natrix.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs real {@code nats-server} processes on free ports for the tests of one class, and stops them after.
 *
 * <pre>{@code
 * class UsersTest {
 *     @RegisterExtension
 *     static final NatsServerExtension nats = NatsServerExtension.single();
 *
 *     @Test
 *     void answers() {
 *         try (Natrix natrix = Natrix.connect(nats.url())) { ... }
 *     }
 * }
 * }</pre>
 *
 * <p>Register it as a {@code static} field so one server serves the whole class (a start costs tens of
 * milliseconds; sharing keeps suites fast). {@link #cluster(int)} runs several servers routed into one
 * cluster, for failure tests that stop a node. If {@code nats-server} is not installed the tests fail with the
 * command that installs it.
 */
public final class NatsServerExtension implements BeforeAllCallback, AfterAllCallback {

    private final int nodes;
    private final boolean jetStream;
    private List<NatsServerProcess> servers = List.of();

    private NatsServerExtension(int nodes, boolean jetStream) {
        this.nodes = nodes;
        this.jetStream = jetStream;
    }

    /** One server. */
    public static NatsServerExtension single() {
        return new NatsServerExtension(1, false);
    }

    /** Several servers joined in one cluster; clients given {@link #url()} can reach and fail over to each. */
    public static NatsServerExtension cluster(int nodes) {
        if (nodes < 2) {
            throw new IllegalArgumentException("a cluster needs at least 2 nodes, got " + nodes);
        }
        return new NatsServerExtension(nodes, false);
    }

    /** The same servers with JetStream enabled, each with a store directory of its own. */
    public NatsServerExtension withJetStream() {
        return new NatsServerExtension(nodes, true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        servers = NatsServerProcess.start(nodes, jetStream);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        servers.forEach(NatsServerProcess::stop);
        servers = List.of();
    }

    /** Every running server's URL, comma-separated: the form {@code Natrix.connect} and jnats accept. */
    public String url() {
        requireStarted();
        return servers.stream().map(NatsServerProcess::url).collect(Collectors.joining(","));
    }

    /** The servers, in start order. */
    public List<NatsServerProcess> servers() {
        requireStarted();
        return servers;
    }

    private void requireStarted() {
        if (servers.isEmpty()) {
            throw new IllegalStateException("no nats-server is running: register the extension on a static field"
                    + " with @RegisterExtension, and use it from tests, not from static initialisers");
        }
    }
}
