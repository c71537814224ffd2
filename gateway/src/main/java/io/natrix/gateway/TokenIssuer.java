package io.natrix.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.natrix.Actor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * Mints bearer tokens: JWTs signed with ES256 under the key's id, issued by {@value TokenVerifier#ISSUER} for
 * {@value TokenVerifier#AUDIENCE}, naming the user ({@code sub}) and its role. Only the service that owns
 * identities holds one (the users service, at registration, and the demo for its admin).
 */
public final class TokenIssuer {

    /** A minted token and when it expires. */
    public record Token(String value, Instant expiresAt) {
    }

    private final ECKey key;
    private final ECDSASigner signer;

    private TokenIssuer(ECKey key) throws JOSEException {
        this.key = key;
        this.signer = new ECDSASigner(key);
    }

    /** An issuer with the private key in {@code signingKey} ({@link TokenKeys#signingKey()}). */
    public static TokenIssuer load(Path signingKey) {
        try {
            JWK jwk = JWK.parse(Files.readString(signingKey, StandardCharsets.UTF_8));
            if (!(jwk instanceof ECKey ec) || !ec.isPrivate() || ec.getKeyID() == null) {
                throw new IllegalArgumentException(signingKey + " is not a private EC key with a key id");
            }
            return new TokenIssuer(ec);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token signing key " + signingKey, e);
        } catch (ParseException | JOSEException e) {
            throw new IllegalArgumentException(signingKey + " is not a usable token signing key: " + e.getMessage(), e);
        }
    }

    /** A token for {@code actor}, valid from now for {@code lifetime}. */
    public Token issue(Actor actor, Duration lifetime) {
        Instant now = Instant.now();
        Instant expires = now.plus(lifetime);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(TokenVerifier.ISSUER)
                .audience(TokenVerifier.AUDIENCE)
                .subject(actor.id())
                .claim(TokenVerifier.ROLE, actor.role())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return new Token(jwt.serialize(), Instant.ofEpochSecond(expires.getEpochSecond()));
    }
}
