package io.natrix.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The keys and certificates of this JVM's secured test servers, made on first use and removed when the JVM
 * exits: one {@link NatsSecurity#ADMIN} user, one certificate authority.
 * Every {@link NatsServerExtension} of a test run shares them, so a suite pays for them once.
 */
final class TestKeys {

    private static NatsSecurity security;

    private TestKeys() {
    }

    static synchronized NatsSecurity security() {
        if (security == null) {
            try {
                Path dir = Files.createTempDirectory("natrix-test-keys-");
                Folders.deleteAtExit(dir, "natrix test kit");
                security = NatsSecurity.generate(dir, Map.of(NatsSecurity.ADMIN, NatsSecurity.User.admin()));
            } catch (IOException e) {
                throw new UncheckedIOException("could not make a folder for the test servers' keys: " + e.getMessage(), e);
            }
        }
        return security;
    }
}
