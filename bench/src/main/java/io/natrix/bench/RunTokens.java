package io.natrix.bench;

import io.natrix.gateway.TokenIssuer;
import io.natrix.gateway.TokenKeys;
import io.natrix.gateway.TokenVerifier;
import io.natrix.testkit.Folders;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A bench run's own bearer-token keys, read into memory: an issuer and a verifier, and no folder left behind
 * (the keys are made in a temporary folder and it is removed once they are read, however reading ends).
 */
record RunTokens(TokenIssuer issuer, TokenVerifier verifier) {

    static RunTokens make() throws IOException {
        Path folder = Files.createTempDirectory("natrix-bench-tokens-");
        try {
            TokenKeys keys = TokenKeys.reuse(folder);
            return new RunTokens(TokenIssuer.load(keys.signingKey()), TokenVerifier.load(keys.publicKeys()));
        } finally {
            Folders.delete(folder);
        }
    }
}
