package io.natrix.cli;

import io.natrix.ConnectionException;
import io.natrix.Natrix;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code natrix}: look at and poke a running system from a terminal. Works against any NATS URL and any
 * service speaking the NATS Services API ({@code $SRV.PING/INFO/STATS}), whatever it is written in.
 */
@Command(name = "natrix", mixinStandardHelpOptions = true, version = "natrix 0.1.0",
        description = "See and poke the services on a NATS system.",
        subcommands = {ListCommand.class, InfoCommand.class, StatsCommand.class, PingCommand.class, CallCommand.class,
                PublishCommand.class, SubscribeCommand.class, TraceCommand.class, TracesCommand.class, NewCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the service answered with an error, or nothing was found",
                "2:the command line was wrong", "3:no NATS server, or nothing answered"})
public final class NatrixCli {

    /** The demo's NATS, unless {@code NATRIX_NATS} or {@code NATS_URL} names another. */
    static final String DEFAULT_NATS = "nats://127.0.0.1:4222";

    static final int FOUND_NOTHING = 1;
    static final int UNREACHABLE = 3;

    @Option(names = "--nats", paramLabel = "URL", scope = CommandLine.ScopeType.INHERIT,
            description = "NATS server(s), comma-separated (default: $NATRIX_NATS, $NATS_URL, else " + DEFAULT_NATS + ")")
    String nats;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--creds", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "the nkey seed file to authenticate with (default: the demo's admin, .natrix/nats/admin.nk, when it exists)")
    Path creds;

    @Option(names = "--ca", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "the certificate authority (PEM) the server's TLS certificate must come from (default: the demo's, .natrix/nats/ca.pem)")
    Path ca;

    @Option(names = "--wait", paramLabel = "DURATION", scope = CommandLine.ScopeType.INHERIT, defaultValue = "500ms",
            converter = Durations.class, description = "how long to gather answers from every instance (default: ${DEFAULT-VALUE})")
    Duration wait;

    public static void main(String[] args) {
        // a command says what went wrong itself; the connection's log lines would only repeat it
        java.util.logging.Logger.getLogger("io.natrix").setLevel(java.util.logging.Level.SEVERE);
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line, writing to {@code out} and {@code err}; returns the exit code. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine line = new CommandLine(new NatrixCli());
        line.setOut(out).setErr(err);
        line.setExecutionExceptionHandler((failure, commandLine, parsed) -> {
            if (failure instanceof Unreachable unreachable) {
                err.println("natrix: " + unreachable.getMessage());
                return UNREACHABLE;
            }
            throw failure;
        });
        return line.execute(args);
    }

    String servers() {
        return Optional.ofNullable(nats).filter(url -> !url.isBlank())
                .or(() -> Optional.ofNullable(System.getenv("NATRIX_NATS")).filter(url -> !url.isBlank()))
                .or(() -> Optional.ofNullable(System.getenv("NATS_URL")).filter(url -> !url.isBlank()))
                .orElse(DEFAULT_NATS);
    }

    /**
     * A connection that gives up at once, with what to do, instead of retrying for ever. With {@code --creds} and
     * {@code --ca} it authenticates over TLS; with neither, as the demo's admin when {@code ./natrix} points at
     * the demo's keys ({@code -Dnatrix.home}) and they exist, else (or when that server is an open one) as anyone.
     */
    Natrix connect() {
        String servers = servers();
        if ((creds == null) != (ca == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give both --creds and --ca, or neither");
        }
        if (creds != null) {
            return connect(servers, Optional.of(new Credentials(creds, ca)));
        }
        Optional<Credentials> demo = demoAdmin();
        if (demo.isPresent()) {
            try {
                return connect(servers, demo);
            } catch (Unreachable secured) {
                // an open server (a demo started with --insecure, or not the demo's): as anyone, below
            }
        }
        return connect(servers, Optional.empty());
    }

    private static Natrix connect(String servers, Optional<Credentials> credentials) {
        try {
            Natrix.Builder builder = Natrix.builder().servers(servers).connectionName("natrix-cli").shutdownHook(false)
                    .drainTimeout(Duration.ofSeconds(1))
                    .natsOptions(options -> options.maxReconnects(0).connectionTimeout(Duration.ofSeconds(2)));
            credentials.ifPresent(given -> builder.credentials(given.seed()).trust(given.ca()));
            return builder.connect();
        } catch (ConnectionException e) {
            throw new Unreachable("no NATS server at " + servers + " let this client in (" + e.getMessage()
                    + "): is the demo running (./natrix demo)? Or name the server with --nats URL, and its credentials with"
                    + " --creds FILE --ca FILE");
        }
    }

    /** The demo's admin seed and authority under {@code -Dnatrix.home}, when both exist. */
    private static Optional<Credentials> demoAdmin() {
        return Optional.ofNullable(System.getProperty("natrix.home")).map(home -> Path.of(home, "nats"))
                .map(dir -> new Credentials(dir.resolve("admin.nk"), dir.resolve("ca.pem")))
                .filter(found -> Files.isReadable(found.seed()) && Files.isReadable(found.ca()));
    }

    private record Credentials(Path seed, Path ca) {
    }

    /** Nothing to talk to: said on stderr with exit code 3. */
    static final class Unreachable extends RuntimeException {
        Unreachable(String message) {
            super(message);
        }
    }

    /** {@code 500ms}, {@code 2s}, {@code 1m}, or ISO-8601 ({@code PT2S}). */
    static final class Durations implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String text = value.trim().toLowerCase();
            try {
                if (text.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
                }
                if (text.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
                }
                if (text.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
                }
                return Duration.parse(value);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: write 500ms, 2s or 1m");
            }
        }
    }
}
