package io.natrix.gateway;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.natrix.Actor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tokens are minted with the private key only, and verified strictly: every forgery has its one-word refusal. */
class TokenTest {

    @TempDir
    static Path dir;

    static TokenKeys keys;
    static TokenIssuer issuer;
    static TokenVerifier verifier;
    static ECKey signing;

    @BeforeAll
    static void keys() throws Exception {
        keys = TokenKeys.reuse(dir.resolve("tokens"));
        issuer = TokenIssuer.load(keys.signingKey());
        verifier = TokenVerifier.load(keys.publicKeys());
        signing = (ECKey) JWK.parse(Files.readString(keys.signingKey()));
    }

    static String refusal(String token) {
        try {
            verifier.verify(token);
            return "accepted";
        } catch (TokenVerifier.Refused refused) {
            return refused.getMessage();
        }
    }

    static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(TokenVerifier.ISSUER).audience(TokenVerifier.AUDIENCE).subject("r-1")
                .claim("role", "RIDER").issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)));
    }

    static String signed(JWTClaimsSet claims, ECKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Test
    void aMintedTokenNamesItsActorAndTheKeysAreKeptPrivate() throws Exception {
        TokenIssuer.Token token = issuer.issue(new Actor("DRIVER", "d-7"), Duration.ofHours(1));
        assertThat(verifier.verify(token.value())).isEqualTo(new Actor("DRIVER", "d-7"));
        assertThat(verifier.verify(token.value())).as("again, from the cache").isEqualTo(new Actor("DRIVER", "d-7"));
        assertThat(token.expiresAt()).isBetween(Instant.now().plusSeconds(3590), Instant.now().plusSeconds(3601));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.signingKey()))).isEqualTo("rw-------");
        assertThat(Files.readString(keys.publicKeys())).doesNotContain("\"d\"");
        assertThat(TokenKeys.reuse(dir.resolve("tokens")).signingKey()).as("reused, not made again").hasSameTextualContentAs(keys.signingKey());
    }

    @Test
    void everyForgeryIsRefusedWithItsReason() throws Exception {
        String good = issuer.issue(new Actor("RIDER", "r-1"), Duration.ofHours(1)).value();
        String[] parts = good.split("\\.");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String otherPayload = b64.encodeToString(claims().subject("r-2").build().toString().getBytes(StandardCharsets.UTF_8));

        assertThat(refusal("garbage")).isEqualTo("malformed");
        assertThat(refusal("")).isEqualTo("malformed");
        assertThat(refusal(parts[0] + "." + otherPayload + "." + parts[2])).as("tampered payload").isEqualTo("signature");
        assertThat(refusal(new PlainJWT(new PlainHeader(), claims().build()).serialize())).as("alg none").isEqualTo("algorithm");

        // HS256 with the public key's bytes as the secret: the classic algorithm confusion
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(signing.getKeyID()).build(), claims().build());
        hmac.sign(new MACSigner(Files.readString(keys.publicKeys()).repeat(2).getBytes(StandardCharsets.UTF_8)));
        assertThat(refusal(hmac.serialize())).isEqualTo("algorithm");

        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID(signing.getKeyID()).generate();
        assertThat(refusal(signed(claims().build(), stranger))).as("same key id, another key").isEqualTo("signature");
        ECKey unknown = new ECKeyGenerator(Curve.P_256).keyID("someone-else").generate();
        assertThat(refusal(signed(claims().build(), unknown))).isEqualTo("unknown key");
        SignedJWT noKid = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).build(), claims().build());
        noKid.sign(new ECDSASigner(signing));
        assertThat(refusal(noKid.serialize())).isEqualTo("unknown key");

        assertThat(refusal(signed(claims().issuer("evil").build(), signing))).isEqualTo("issuer");
        assertThat(refusal(signed(claims().audience("another-app").build(), signing))).isEqualTo("audience");
        Instant now = Instant.now();
        assertThat(refusal(signed(claims().expirationTime(Date.from(now.minusSeconds(120))).build(), signing))).isEqualTo("expired");
        assertThat(refusal(signed(claims().expirationTime(null).build(), signing))).as("no expiry").isEqualTo("expired");
        assertThat(refusal(signed(claims().notBeforeTime(Date.from(now.plusSeconds(600))).build(), signing))).isEqualTo("not yet valid");
        assertThat(refusal(signed(claims().claim("role", null).build(), signing))).isEqualTo("claims");
        assertThat(refusal(signed(claims().subject("r:1 2").build(), signing))).isEqualTo("claims");
        assertThat(refusal(signed(claims().build(), signing))).as("the control: a well-made token").isEqualTo("accepted");
    }

    @Test
    void aCachedTokenStillExpires() throws Exception {
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        TokenVerifier clocked = verifier.withClock(now::get);
        String token = issuer.issue(new Actor("RIDER", "r-9"), Duration.ofMinutes(1)).value();
        assertThat(clocked.verify(token)).isEqualTo(new Actor("RIDER", "r-9"));
        now.addAndGet(Duration.ofSeconds(60 + 29).toMillis());
        assertThat(clocked.verify(token)).as("within the 30 s skew, from the cache").isEqualTo(new Actor("RIDER", "r-9"));
        now.addAndGet(Duration.ofSeconds(2).toMillis());
        assertThatThrownBy(() -> clocked.verify(token)).isInstanceOf(TokenVerifier.Refused.class).hasMessage("expired");
    }

    @Test
    void aGatewayWithoutThePrivateKeyCannotMint() {
        assertThatThrownBy(() -> TokenIssuer.load(keys.publicKeys())).isInstanceOf(IllegalArgumentException.class);
    }
}
