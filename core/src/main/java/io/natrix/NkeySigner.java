package io.natrix;

import io.nats.client.AuthHandler;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/**
 * Proves a connection holds a user's nkey: signs the server's nonce with the JDK's own Ed25519. jnats's
 * {@code Nats.staticCredentials} signs with BouncyCastle, whose first signature in a JVM cost 0.6–0.8 s of CPU
 * where the JDK's costs 0.12 s (measured, cold), and 14 service JVMs starting at once on 2 cores overran the
 * server's authentication window with it. The seed's format (base32 of a two-byte prefix, the 32-byte key and a
 * CRC-16) is the nkeys format; {@code NkeySignerTest} checks the public key and the signatures against jnats.
 */
final class NkeySigner implements AuthHandler {

    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    /** The first byte of a seed ('S' in base32), and of a user's public key ('U'). */
    private static final int SEED_PREFIX = 18 << 3;
    private static final int USER_PREFIX = 20 << 3;

    private final PrivateKey key;
    private final char[] publicKey;

    private NkeySigner(PrivateKey key, char[] publicKey) {
        this.key = key;
        this.publicKey = publicKey;
    }

    /** The signer of a user seed ({@code SU...}), as a seed file holds it. */
    static NkeySigner ofSeed(String seed) throws GeneralSecurityException {
        byte[] decoded = base32Decode(seed.strip());
        if (decoded.length != 36 || (decoded[0] & 0xF8) != SEED_PREFIX
                || crc16(decoded, 34) != ((decoded[34] & 0xFF) | (decoded[35] & 0xFF) << 8)) {
            throw new GeneralSecurityException("not an nkey seed (it starts with S and holds 58 base32 characters)");
        }
        int type = (decoded[0] & 0x07) << 5 | (decoded[1] & 0xFF) >> 3;
        if (type != USER_PREFIX) {
            throw new GeneralSecurityException("the seed is not a user's (its public key would not start with U)");
        }
        byte[] raw = Arrays.copyOfRange(decoded, 2, 34);
        // the JDK derives the key pair from 32 "random" bytes: give it the seed's
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, new FixedBytes(raw));
        KeyPair pair = generator.generateKeyPair();
        byte[] spki = pair.getPublic().getEncoded(); // X.509 SubjectPublicKeyInfo: the raw key is its last 32 bytes
        byte[] user = new byte[35];
        user[0] = (byte) USER_PREFIX;
        System.arraycopy(spki, spki.length - 32, user, 1, 32);
        int crc = crc16(user, 33);
        user[33] = (byte) crc;
        user[34] = (byte) (crc >> 8);
        return new NkeySigner(pair.getPrivate(), base32Encode(user).toCharArray());
    }

    @Override
    public byte[] sign(byte[] nonce) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(key);
            signature.update(nonce);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not sign the server's nonce: " + e.getMessage(), e);
        }
    }

    @Override
    public char[] getID() {
        return publicKey.clone();
    }

    @Override
    public char[] getJWT() {
        return null; // nkey alone: no JWT (jnats sends an empty one)
    }

    /** CRC-16/XMODEM of the first {@code length} bytes, as nkeys checksums them. */
    static int crc16(byte[] bytes, int length) {
        int crc = 0;
        for (int i = 0; i < length; i++) {
            crc ^= (bytes[i] & 0xFF) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
        }
        return crc & 0xFFFF;
    }

    private static byte[] base32Decode(String text) throws GeneralSecurityException {
        byte[] out = new byte[text.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int at = 0;
        for (char c : text.toCharArray()) {
            int value = BASE32.indexOf(c);
            if (value < 0) {
                throw new GeneralSecurityException("not an nkey seed: '" + c + "' is not base32");
            }
            buffer = buffer << 5 | value;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[at++] = (byte) (buffer >> bits);
            }
        }
        return out;
    }

    private static String base32Encode(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = buffer << 8 | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out.append(BASE32.charAt(buffer >> bits & 31));
            }
        }
        if (bits > 0) {
            out.append(BASE32.charAt(buffer << (5 - bits) & 31));
        }
        return out.toString();
    }

    /** A "random" source that gives the seed: how the JDK's generator is told which key pair to make. */
    private static final class FixedBytes extends SecureRandom {
        private final byte[] bytes;

        FixedBytes(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public void nextBytes(byte[] target) {
            System.arraycopy(bytes, 0, target, 0, Math.min(bytes.length, target.length));
        }
    }
}
