package io.natrix.examples;

import io.natrix.Natrix;

import java.nio.file.Path;

/**
 * How each example's {@code main} connects: {@code [URL [SEED_FILE CA_PEM]]}. A secured server (TLS, nkey users,
 * as {@code ./natrix demo} runs: {@code tls://127.0.0.1:4222 .natrix/nats/admin.nk .natrix/nats/ca.pem}) needs
 * all three; an open one the URL alone (default {@code nats://127.0.0.1:4222}).
 */
final class Connect {

    private Connect() {
    }

    static Natrix from(String[] args) {
        Natrix.Builder builder = Natrix.builder().servers(args.length > 0 ? args[0] : "nats://127.0.0.1:4222");
        if (args.length == 2 || args.length > 3) {
            throw new IllegalArgumentException("arguments: [URL [SEED_FILE CA_PEM]], got " + args.length);
        }
        return (args.length == 3 ? builder.credentials(Path.of(args[1])).trust(Path.of(args[2])) : builder).connect();
    }
}
