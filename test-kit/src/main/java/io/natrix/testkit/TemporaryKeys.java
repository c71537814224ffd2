package io.natrix.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@link NatsSecurity#temporary()}: this JVM's keys and certificates, made on first use and removed when the JVM
 * exits: one {@link NatsSecurity#ADMIN} user, one certificate authority. Every {@link NatsServerExtension} of a test
 * run shares them, so a suite pays for them once.
 */
final class TemporaryKeys {

    private static NatsSecurity security;

    private TemporaryKeys() {
    }

    static synchronized NatsSecurity security() {
        if (security == null) {
            try {
                Path dir = Folders.temporary("natrix-keys-", "natrix");
                security = NatsSecurity.generate(dir, Map.of(NatsSecurity.ADMIN, NatsSecurity.User.admin()));
            } catch (IOException e) {
                throw new UncheckedIOException("could not make a folder for this run's NATS keys: " + e.getMessage(), e);
            }
        }
        return security;
    }
}
