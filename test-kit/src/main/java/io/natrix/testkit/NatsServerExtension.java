package io.natrix.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.nats.client.Options;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs real {@code nats-server} processes on free ports for the tests of one class, and stops them after.
 * Secured, as natrix is by default: TLS only, and every client authenticates with an nkey ({@link #seed()}) and
 * checks the server's certificate against {@link #ca()}; an anonymous or plaintext client is refused.
 *
 * <pre>{@code
 * class UsersTest {
 *     @RegisterExtension
 *     static final NatsServerExtension nats = NatsServerExtension.single();
 *
 *     @Test
 *     void answers() {
 *         try (Natrix natrix = Natrix.builder().servers(nats.url())
 *                 .credentials(nats.seed()).trust(nats.ca()).connect()) { ... }
 *     }
 * }
 * }</pre>
 *
 * <p>Register it as a {@code static} field so one server serves the whole class (a start costs tens of
 * milliseconds; sharing keeps suites fast). {@link #cluster(int)} runs several servers routed into one
 * cluster (routes authenticated, over TLS), for failure tests that stop a node. The keys and certificates are
 * made once per JVM ({@link NatsSecurity#temporary()}: one user, {@link NatsSecurity#ADMIN}, allowed everything; a test of
 * permissions makes its own {@link NatsSecurity}). {@link #open()} is for tests of the open mode alone. If
 * {@code nats-server} is not installed the tests fail with the command that installs it.
 */
public final class NatsServerExtension implements BeforeAllCallback, AfterAllCallback {

    private final int nodes;
    private final boolean jetStream;
    private final boolean secured;
    private List<NatsServerProcess> servers = List.of();

    private NatsServerExtension(int nodes, boolean jetStream, boolean secured) {
        this.nodes = nodes;
        this.jetStream = jetStream;
        this.secured = secured;
    }

    /** One secured server. */
    public static NatsServerExtension single() {
        return new NatsServerExtension(1, false, true);
    }

    /** Several servers joined in one cluster; clients given {@link #url()} can reach and fail over to each. */
    public static NatsServerExtension cluster(int nodes) {
        if (nodes < 2) {
            throw new IllegalArgumentException("a cluster needs at least 2 nodes, got " + nodes);
        }
        return new NatsServerExtension(nodes, false, true);
    }

    /** The same servers with JetStream enabled, each with a store directory of its own. */
    public NatsServerExtension withJetStream() {
        return new NatsServerExtension(nodes, true, secured);
    }

    /**
     * The same servers open: plaintext, anyone connects. Only for a test of what natrix does without security
     * (its open mode); every other test runs secured.
     */
    public NatsServerExtension open() {
        return new NatsServerExtension(nodes, jetStream, false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        servers = secured ? NatsServerProcess.start(nodes, jetStream, 0, NatsSecurity.temporary())
                : NatsServerProcess.start(nodes, jetStream);
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

    /**
     * The keys and certificates the servers require: this JVM's {@link NatsSecurity#temporary()}. An {@link #open()}
     * server has none.
     */
    public NatsSecurity security() {
        if (!secured) {
            throw new IllegalStateException("these servers are open: they have no keys");
        }
        return NatsSecurity.temporary();
    }

    /** The seed file of the {@link NatsSecurity#ADMIN} user, whom the servers allow everything. */
    public Path seed() {
        return security().seed(NatsSecurity.ADMIN);
    }

    /** The certificate authority a client trusts to reach the servers (PEM). */
    public Path ca() {
        return security().ca();
    }

    /** A jnats connection's options for these servers: their URLs and, when secured, the admin's key and the CA. */
    public Options.Builder options() {
        Options.Builder options = new Options.Builder().servers(url().split(","));
        return secured ? security().as(NatsSecurity.ADMIN, options) : options;
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
