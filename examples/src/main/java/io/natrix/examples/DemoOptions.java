package io.natrix.examples;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The demo's command line: {@code [--nats URL [--creds SEED_FILE --ca CA_PEM]] [--duration 30s] [--smoke]}. Without
 * {@code --nats} the demo starts a secured server of its own; {@code --creds} and {@code --ca} reach a secured one.
 */
record DemoOptions(String natsUrl, Path creds, Path ca, Duration duration, boolean smoke) {

    static final String USAGE = "usage: natrix demo-core [--nats tls://host:4222 [--creds SEED_FILE --ca CA_PEM]]"
            + " [--duration 30s] [--smoke]";

    static DemoOptions parse(String... args) {
        String nats = null;
        Path creds = null;
        Path ca = null;
        Duration duration = Duration.ofDays(365);
        boolean smoke = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nats" -> nats = value(args, ++i);
                case "--creds" -> creds = Path.of(value(args, ++i));
                case "--ca" -> ca = Path.of(value(args, ++i));
                case "--duration" -> duration = seconds(value(args, ++i));
                case "--smoke" -> smoke = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
            }
        }
        if ((creds == null) != (ca == null)) {
            throw new IllegalArgumentException("give both --creds and --ca, or neither\n" + USAGE);
        }
        if (creds != null && nats == null) {
            throw new IllegalArgumentException("--creds and --ca are for a server given with --nats\n" + USAGE);
        }
        if (smoke && duration.toDays() >= 365) {
            duration = Duration.ofSeconds(5);
        }
        return new DemoOptions(nats, creds, ca, duration, smoke);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    private static Duration seconds(String text) {
        try {
            return Duration.ofSeconds(Long.parseLong(text.endsWith("s") ? text.substring(0, text.length() - 1) : text));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--duration takes seconds, like 30s; got " + text + "\n" + USAGE);
        }
    }
}
