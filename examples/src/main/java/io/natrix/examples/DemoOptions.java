package io.natrix.examples;

import java.time.Duration;

/** The demo's command line: {@code [--nats URL] [--duration 30s] [--smoke]}. */
record DemoOptions(String natsUrl, Duration duration, boolean smoke) {

    static final String USAGE = "usage: natrix demo [--nats nats://host:4222] [--duration 30s] [--smoke]";

    static DemoOptions parse(String... args) {
        String nats = null;
        Duration duration = Duration.ofDays(365);
        boolean smoke = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nats" -> nats = value(args, ++i);
                case "--duration" -> duration = seconds(value(args, ++i));
                case "--smoke" -> smoke = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
            }
        }
        if (smoke && duration.toDays() >= 365) {
            duration = Duration.ofSeconds(5);
        }
        return new DemoOptions(nats, duration, smoke);
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
