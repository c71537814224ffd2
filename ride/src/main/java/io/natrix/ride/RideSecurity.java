package io.natrix.ride;

import io.natrix.Actor;
import io.natrix.gateway.TokenIssuer;
import io.natrix.gateway.TokenKeys;
import io.natrix.testkit.NatsSecurity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the secured ride system is keyed with, made on first use under one folder and reused after: the
 * NATS side ({@code nats/}: a CA, the server's certificate, an nkey per role, see {@link RidePermissions}) and
 * the HTTP side ({@code tokens/}: the key pair of the bearer tokens, see {@link TokenKeys}). Each process gets
 * only what its role needs: its own NATS seed, the CA, and the token signing key for users alone or the public
 * keys for the gateway alone.
 *
 * @param nats   the NATS users, permissions and TLS material
 * @param tokens the bearer tokens' key pair
 */
public record RideSecurity(NatsSecurity nats, TokenKeys tokens) {

    /** How long the admin's token (the dashboard link, the CLI) is valid. */
    public static final Duration ADMIN_TOKEN_LIFETIME = Duration.ofHours(12);

    /** The keys in {@code home}, made there when missing. */
    public static RideSecurity reuse(Path home) {
        return reuse(home, java.util.Optional.empty());
    }

    /** The same, the NATS permissions for geo sharded by {@code regions} ({@link RidePermissions#users(java.util.Optional)}). */
    public static RideSecurity reuse(Path home, java.util.Optional<io.natrix.ride.geo.GeoRegions> regions) {
        return new RideSecurity(NatsSecurity.reuse(home.resolve("nats"), RidePermissions.users(regions)),
                TokenKeys.reuse(home.resolve("tokens")));
    }

    /**
     * New keys in {@code dir} for servers of {@code serverNames} ({@code ip:10.0.1.1}, {@code dns:nats-1.example}):
     * a deployment's, beyond this machine ({@code ./natrix demo --regions 2 --write-config DIR}).
     */
    public static RideSecurity generate(Path dir, java.util.Optional<io.natrix.ride.geo.GeoRegions> regions, List<String> serverNames) {
        return new RideSecurity(NatsSecurity.generate(dir.resolve("nats"), RidePermissions.users(regions), serverNames),
                TokenKeys.reuse(dir.resolve("tokens")));
    }

    /** A new admin token: for the dashboard's login link and for operators' calls through the gateway. */
    public String adminToken() {
        return TokenIssuer.load(tokens.signingKey()).issue(new Actor(Actor.ADMIN, "admin"), ADMIN_TOKEN_LIFETIME).value();
    }

    /** The JVM options that give an instance of {@code role} its identity, and nothing it does not need. */
    public List<String> jvmOptions(String role) {
        List<String> options = new ArrayList<>(List.of("-Dnatrix.nats.creds=" + nats.seed(role), "-Dnatrix.nats.ca=" + nats.ca()));
        if (role.equals(RideRole.USERS.label())) {
            options.add("-D" + RideTokens.SIGNING + "=" + tokens.signingKey());
        } else if (role.equals(RideRole.GATEWAY.label())) {
            options.add("-D" + RideTokens.KEYS + "=" + tokens.publicKeys());
        }
        return options;
    }
}
