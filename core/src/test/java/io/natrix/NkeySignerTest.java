package io.natrix;

import io.nats.client.NKey;
import org.junit.jupiter.api.Test;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JDK-signed nkey proof agrees with jnats's own: the same public key, signatures jnats verifies. */
class NkeySignerTest {

    @Test
    void publicKeyAndSignaturesAgreeWithJnats() throws Exception {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 20; i++) {
            NKey user = NKey.createUser(random);
            NkeySigner signer = NkeySigner.ofSeed(new String(user.getSeed()));
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);

            assertThat(signer.getID()).isEqualTo(user.getPublicKey());
            assertThat(user.verify(nonce, signer.sign(nonce))).as("jnats verifies the JDK's signature").isTrue();
            assertThat(signer.sign(nonce)).as("Ed25519 is deterministic").isEqualTo(user.sign(nonce));
        }
    }

    @Test
    void whatIsNotAUserSeedIsRefusedInWords() throws Exception {
        String seed = new String(NKey.createUser(new SecureRandom()).getSeed());
        char[] damaged = seed.toCharArray();
        damaged[10] = damaged[10] == 'A' ? 'B' : 'A';

        assertThatThrownBy(() -> NkeySigner.ofSeed(new String(damaged))).isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("not an nkey seed");
        assertThatThrownBy(() -> NkeySigner.ofSeed("hello")).isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("not an nkey seed");
        assertThatThrownBy(() -> NkeySigner.ofSeed(new String(NKey.createAccount(new SecureRandom()).getSeed())))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("not a user's");
    }
}
