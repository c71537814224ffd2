package io.natrix.bench;

import io.natrix.testkit.NatsSecurity;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The secured variant of {@code bench peers} ({@code --secured}): the server requires TLS and an nkey, and every
 * peer connects as one user held as a ride service is: it publishes only on the peers' subjects (checked by the
 * server on every message) and answers requests through {@code allow_responses}. The bench generates the keys; its peer processes find them through the
 * environment ({@value #DIRECTORY}; the Go peer reads {@value #SEED} and {@value #CA}).
 */
final class PeerSecurity {

    static final String DIRECTORY = "NATRIX_PEER_SECURITY";
    static final String SEED = "NATRIX_PEER_SEED";
    static final String CA = "NATRIX_PEER_CA";
    static final String USER = "peer";

    private static volatile Optional<NatsSecurity> inherited;

    private PeerSecurity() {
    }

    static Map<String, NatsSecurity.User> users() {
        Map<String, NatsSecurity.User> users = new LinkedHashMap<>();
        users.put(NatsSecurity.ADMIN, NatsSecurity.User.admin());
        // as a ride service is held: it publishes on its own subjects and answers through allow_responses
        users.put(USER, NatsSecurity.User.allowing(List.of("peer.>", "peernatrix.>", "ms.peernatrix.>"), List.of(">")));
        return users;
    }

    /** What a peer process is given to reach the secured server. */
    static Map<String, String> environment(NatsSecurity security, Path directory) {
        return Map.of(DIRECTORY, directory.toString(), SEED, security.seed(USER).toString(), CA, security.ca().toString());
    }

    /** In a peer process: the bench's keys, when it runs secured. */
    static Optional<NatsSecurity> inherited() {
        Optional<NatsSecurity> known = inherited;
        if (known == null) {
            String directory = System.getenv(DIRECTORY);
            known = directory == null ? Optional.empty() : Optional.of(NatsSecurity.reuse(Path.of(directory), users()));
            inherited = known;
        }
        return known;
    }
}
