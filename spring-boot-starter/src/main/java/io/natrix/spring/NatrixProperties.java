package io.natrix.spring;

import io.natrix.Natrix;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code natrix.*} properties: each sets the {@link Natrix.Builder} setting of the same name, and one left out
 * keeps Natrix's default.
 *
 * <pre>
 * natrix.servers=tls://nats-0:4222,tls://nats-1:4222
 * natrix.credentials=/run/secrets/fares.nk     # the nkey seed's file (never the seed itself)
 * natrix.trust=/run/secrets/nats-ca.pem
 * natrix.inbox-prefix=_INBOX_fares
 * natrix.default-timeout=2s
 * </pre>
 *
 * @param servers        the NATS servers' URLs
 * @param region         the region this process runs in, carried in its services' discovery metadata
 * @param connectionName the connection's name as the server shows it; by default {@code spring.application.name}
 * @param credentials    the file holding this process's nkey seed, on a secured server
 * @param trust          the PEM file of the only certificate authority trusted for TLS
 * @param inboxPrefix    the prefix of this connection's reply subjects, e.g. {@code _INBOX_fares}
 * @param defaultTimeout the timeout of calls that name none
 * @param drainTimeout   how long stopping waits for the requests in flight
 */
@ConfigurationProperties("natrix")
public record NatrixProperties(
        @DefaultValue(Natrix.Builder.DEFAULT_SERVERS) List<String> servers,
        String region,
        String connectionName,
        Path credentials,
        Path trust,
        String inboxPrefix,
        @DefaultValue("5s") Duration defaultTimeout,
        @DefaultValue("10s") Duration drainTimeout) {

    /** The builder these properties describe (its shutdown hook off: the application context closes it). */
    Natrix.Builder toBuilder(String applicationName) {
        Natrix.Builder builder = Natrix.builder()
                .servers(String.join(",", servers))
                .defaultTimeout(defaultTimeout)
                .drainTimeout(drainTimeout)
                .shutdownHook(false);
        String name = connectionName != null ? connectionName : applicationName;
        if (name != null && !name.isBlank()) {
            builder.connectionName(name);
        }
        if (region != null) {
            builder.region(region);
        }
        if (credentials != null) {
            builder.credentials(credentials);
        }
        if (trust != null) {
            builder.trust(trust);
        }
        if (inboxPrefix != null) {
            builder.inboxPrefix(inboxPrefix);
        }
        return builder;
    }
}
