package io.natrix.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The key pair of a system's bearer tokens, as two files in one folder: {@value #SIGNING} (the private key, an
 * EC P-256 JWK, readable by its owner only) for the one service that mints tokens ({@link TokenIssuer}), and
 * {@value #PUBLIC} (the public key set) for the gateways, which verify tokens ({@link TokenVerifier}) and so
 * cannot mint one. Made once and reused after, so tokens stay valid across restarts.
 */
public final class TokenKeys {

    /** The private key's file name. */
    public static final String SIGNING = "token-signing.jwk";
    /** The public key set's file name. */
    public static final String PUBLIC = "token-keys.jwks";

    private final Path dir;

    private TokenKeys(Path dir) {
        this.dir = dir;
    }

    /** The key pair in {@code dir}, made there (folder 0700, private key 0600) when it is not there yet. */
    public static TokenKeys reuse(Path dir) {
        Path folder = dir.toAbsolutePath();
        try {
            Files.createDirectories(folder);
            trySetPermissions(folder, "rwx------");
            if (!Files.exists(folder.resolve(SIGNING)) || !Files.exists(folder.resolve(PUBLIC))) {
                ECKey key = new ECKeyGenerator(Curve.P_256)
                        .keyID("natrix-" + LocalDate.now(ZoneOffset.UTC) + "-" + Long.toHexString(System.nanoTime() & 0xffffff))
                        .generate();
                // the public set first: a folder with a private key always has its public half
                write(folder.resolve(PUBLIC), new JWKSet(key.toPublicJWK()).toString(), "rw-r--r--");
                write(folder.resolve(SIGNING), key.toJSONString(), "rw-------");
            }
            return new TokenKeys(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make or read the token keys in " + folder, e);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an EC P-256 key pair", e);
        }
    }

    /** The private key: give it only to the service that mints tokens. */
    public Path signingKey() {
        return dir.resolve(SIGNING);
    }

    /** The public key set: what gateways verify tokens with. */
    public Path publicKeys() {
        return dir.resolve(PUBLIC);
    }

    /**
     * Keeps a minted token beside the keys as {@code name}, readable by its owner only (an admin's token for the
     * scripts and tools of the one who holds the keys); returns the file.
     */
    public Path keep(String name, String token) {
        Path file = dir.resolve(name);
        if (!file.getParent().equals(dir)) {
            throw new IllegalArgumentException("a kept token's name is a plain file name, got " + name);
        }
        try {
            write(file, token, "rw-------");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a token in " + file, e);
        }
    }

    private static void write(Path file, String content, String permissions) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        trySetPermissions(temporary, permissions);
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void trySetPermissions(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions: the folder's own protection applies
        }
    }
}
