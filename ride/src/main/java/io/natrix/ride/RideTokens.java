package io.natrix.ride;

import io.natrix.gateway.TokenIssuer;
import io.natrix.gateway.TokenKeys;
import io.natrix.gateway.TokenVerifier;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The HTTP side's keys as one instance sees them: the users service mints riders' and drivers' tokens (it holds
 * the private key), the gateway verifies them (it holds the public keys only), every other role holds neither.
 * None at all is the open mode: no token is minted and the gateway asks nobody who they are.
 */
record RideTokens(Optional<TokenIssuer> issuer, Optional<TokenVerifier> verifier) {

    /** The system property naming the private key's file (the users role's). */
    static final String SIGNING = "natrix.token.signing";
    /** The system property naming the public key set's file (the gateway role's). */
    static final String KEYS = "natrix.token.keys";

    static RideTokens none() {
        return new RideTokens(Optional.empty(), Optional.empty());
    }

    /** Both halves, for a single process that runs every role (tests, {@link RideStack}). */
    static RideTokens of(TokenKeys keys) {
        return new RideTokens(Optional.of(TokenIssuer.load(keys.signingKey())), Optional.of(TokenVerifier.load(keys.publicKeys())));
    }

    /** What {@code -Dnatrix.token.signing=FILE} and {@code -Dnatrix.token.keys=FILE} give this process. */
    static RideTokens fromSystemProperties() {
        return new RideTokens(Optional.ofNullable(System.getProperty(SIGNING)).map(file -> TokenIssuer.load(Path.of(file))),
                Optional.ofNullable(System.getProperty(KEYS)).map(file -> TokenVerifier.load(Path.of(file))));
    }
}
