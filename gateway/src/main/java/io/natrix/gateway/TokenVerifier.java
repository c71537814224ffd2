package io.natrix.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.natrix.Actor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Verifies bearer tokens strictly, with public keys only (a gateway can check a token, never mint one): the
 * algorithm must be ES256, the key id one of the set's, the signature that key's, the issuer
 * {@value #ISSUER}, the audience {@value #AUDIENCE}, the token neither expired nor not yet valid (30 s of clock
 * skew), and {@code sub} and {@code role} a well-formed {@link Actor}. Anything else is refused with one word of
 * reason, never the library's message.
 *
 * <p>A verified token is remembered until it expires, so a stream's lines and a client's next calls cost a
 * map lookup instead of an ECDSA verification (at most {@value #CACHED} tokens; the oldest are forgotten).
 */
public final class TokenVerifier {

    /** The issuer every token names. */
    public static final String ISSUER = "natrix";
    /** The audience every token names. */
    public static final String AUDIENCE = "natrix-gateway";
    static final String ROLE = "role";
    static final int CACHED = 100_000;
    private static final long SKEW_MILLIS = 30_000;

    /** Why a token was refused, in one word or two: what the 401 says. */
    static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private record Verified(Actor actor, long expiresAtMillis) {
    }

    private final Map<String, ECDSAVerifier> verifiers;
    private final LongSupplier clock;
    private final Map<String, Verified> cache = new ConcurrentHashMap<>();

    private TokenVerifier(Map<String, ECDSAVerifier> verifiers, LongSupplier clock) {
        this.verifiers = verifiers;
        this.clock = clock;
    }

    /** This verifier reading the time, in epoch milliseconds, from {@code clock}: for tests. */
    TokenVerifier withClock(LongSupplier clock) {
        return new TokenVerifier(verifiers, clock);
    }

    /** A verifier with the public key set in {@code publicKeys} ({@link TokenKeys#publicKeys()}). */
    public static TokenVerifier load(Path publicKeys) {
        try {
            List<JWK> keys = JWKSet.load(publicKeys.toFile()).getKeys();
            Map<String, ECDSAVerifier> verifiers = new HashMap<>();
            for (JWK key : keys) {
                if (key instanceof ECKey ec && ec.getKeyID() != null) {
                    verifiers.put(ec.getKeyID(), new ECDSAVerifier(ec.toPublicJWK()));
                }
            }
            if (verifiers.isEmpty()) {
                throw new IllegalArgumentException(publicKeys + " holds no EC public key with a key id");
            }
            return new TokenVerifier(Map.copyOf(verifiers), System::currentTimeMillis);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token keys " + publicKeys, e);
        } catch (ParseException | JOSEException e) {
            throw new IllegalArgumentException(publicKeys + " is not a usable JWK set: " + e.getMessage(), e);
        }
    }

    /** The actor a valid token names. */
    Actor verify(String token) throws Refused {
        long now = clock.getAsLong();
        Verified known = cache.get(token);
        if (known != null) {
            if (now < known.expiresAtMillis() + SKEW_MILLIS) {
                return known.actor();
            }
            cache.remove(token);
            throw new Refused("expired");
        }
        Verified verified = check(token, now);
        if (cache.size() >= CACHED) {
            cache.clear(); // bounded: forgetting costs one verification per token in use, nothing else
        }
        cache.put(token, verified);
        return verified.actor();
    }

    private Verified check(String token, long now) throws Refused {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new Refused("malformed");
        }
        if (!(jwt instanceof SignedJWT signed) || !JWSAlgorithm.ES256.equals(signed.getHeader().getAlgorithm())) {
            throw new Refused("algorithm"); // "alg":"none", HS256 with the public key as secret, anything but ES256
        }
        JWSHeader header = signed.getHeader();
        ECDSAVerifier verifier = header.getKeyID() == null ? null : verifiers.get(header.getKeyID());
        if (verifier == null) {
            throw new Refused("unknown key");
        }
        try {
            if (!signed.verify(verifier)) {
                throw new Refused("signature");
            }
        } catch (JOSEException e) {
            throw new Refused("signature");
        }
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new Refused("malformed");
        }
        if (!ISSUER.equals(claims.getIssuer())) {
            throw new Refused("issuer");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(AUDIENCE)) {
            throw new Refused("audience");
        }
        Date expires = claims.getExpirationTime();
        if (expires == null || now >= expires.getTime() + SKEW_MILLIS) {
            throw new Refused("expired");
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && now + SKEW_MILLIS < notBefore.getTime()) {
            throw new Refused("not yet valid");
        }
        Object role = claims.getClaim(ROLE);
        Actor actor = role instanceof String r ? Actor.parse(r + ":" + claims.getSubject()).orElse(null) : null;
        if (actor == null) {
            throw new Refused("claims");
        }
        return new Verified(actor, expires.getTime());
    }
}
