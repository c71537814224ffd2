package io.natrix.gateway;

import io.natrix.Natrix;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The one HTTP edge of a Natrix system: riders and drivers speak HTTP to it, it speaks NATS.
 *
 * <pre>{@code
 * try (Gateway gateway = Gateway.builder(natrix)
 *         .port(8080)
 *         .route(Route.get("/v1/users/{id}", "ms.users.GetUser"))
 *         .start()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Failures map to HTTP statuses exactly: no instance running 503, timed out 504, the service's error code
 * as is (400, 404, 409, 422, 500...), overload 429 with {@code Retry-After}, malformed JSON or a wrong content
 * type 400, a body over the limit 413, an unknown path 404, a wrong method 405. Every error body has the same
 * shape: {@code {"status":404,"error":"Not Found","message":"...","requestId":"..."}}.
 *
 * <p>Each HTTP request runs on its own virtual thread (Helidon 4). The gateway does not own the
 * {@link Natrix} connection it is given: close the gateway first, then the connection.
 */
public interface Gateway extends AutoCloseable {

    /** Starts describing a gateway that calls services over {@code natrix}. */
    static Builder builder(Natrix natrix) {
        return new Builder(natrix);
    }

    /** The port it listens on (useful with port 0). */
    int port();

    /** The ingest port, if {@link Builder#ingestPort(int)} asked for one (useful with port 0). */
    OptionalInt ingestPort();

    /** Stops accepting connections, lets requests in flight finish, then returns. */
    @Override
    void close();

    /** Gateway settings; every default is finite and documented. */
    final class Builder {

        /** Default port. */
        public static final int DEFAULT_PORT = 8080;
        /** Timeout of routes that set none. */
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
        /** Largest request body accepted on REST routes. */
        public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

        /** Longest line of an ingest stream. */
        public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;
        /** Largest request header section accepted. */
        public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
        /** Largest upload accepted. */
        public static final long DEFAULT_MAX_UPLOAD_BYTES = 8L * 1024 * 1024 * 1024;
        /** Streams one gateway instance holds at once. */
        public static final int DEFAULT_MAX_STREAMS = 20_000;
        /** How long a connection may send nothing before it is closed. */
        public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
        /** How often an outbound stream with nothing new writes a keep-alive, which also finds vanished clients. */
        public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);

        final Natrix natrix;
        String host = "127.0.0.1";
        int port = DEFAULT_PORT;
        OptionalInt ingestPort = OptionalInt.empty();
        Duration defaultTimeout = DEFAULT_TIMEOUT;
        long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
        final List<Route> routes = new ArrayList<>();
        final List<StreamRoute> streams = new ArrayList<>();
        final List<Page> pages = new ArrayList<>();
        String uploadPath;
        Set<String> uploadBuckets = Set.of();
        long maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES;
        int maxLineBytes = DEFAULT_MAX_LINE_BYTES;
        int maxStreams = DEFAULT_MAX_STREAMS;
        Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        Duration heartbeat = DEFAULT_HEARTBEAT;
        Optional<TokenVerifier> verifier = Optional.empty();
        Optional<String> loginPath = Optional.empty();
        Access uploadAccess = Access.roles(io.natrix.Actor.ADMIN);
        Limits limits = Limits.defaults();
        Set<String> hosts = Set.of();

        private Builder(Natrix natrix) {
            this.natrix = Objects.requireNonNull(natrix, "natrix");
        }

        /** The address to bind; defaults to {@code 127.0.0.1} (use {@code 0.0.0.0} to accept remote clients). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port; defaults to {@value #DEFAULT_PORT}; 0 picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Also serves the WebSocket form of every {@link StreamRoute#publish publish stream} on {@code port} (0: a
         * free one), on the same address, read by an event loop instead of a virtual thread per socket: for many
         * sockets that each send a small message now and then (a driver's position every second), it makes about
         * half the system calls per message, and in the ride system's fleet the gateways used about 12 % less CPU
         * (BENCHMARKS.md, "Issue 15, step 10"). The same paths, tokens, checks and
         * answers as on the gateway's port, which keeps serving them too; only WebSocket upgrades are taken here,
         * anything else is refused with 400. A socket that sends nothing for the {@link #idleTimeout idle timeout}
         * is closed (1001). None by default.
         */
        public Builder ingestPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("ingestPort must be 0 to 65535, got " + port);
            }
            this.ingestPort = OptionalInt.of(port);
            return this;
        }

        /** The timeout of routes that set none; defaults to 5 seconds. */
        public Builder defaultTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("defaultTimeout must be positive, got " + timeout);
            }
            this.defaultTimeout = timeout;
            return this;
        }

        /** The largest request body on REST routes; larger ones get 413. Defaults to 1 MiB. */
        public Builder maxBodyBytes(long maxBodyBytes) {
            if (maxBodyBytes < 0) {
                throw new IllegalArgumentException("maxBodyBytes must not be negative, got " + maxBodyBytes);
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** The largest header section of a request; larger ones are refused by the HTTP server. Defaults to 16 KiB. */
        public Builder maxHeaderBytes(int maxHeaderBytes) {
            if (maxHeaderBytes < 1024) {
                throw new IllegalArgumentException("maxHeaderBytes must be at least 1024, got " + maxHeaderBytes);
            }
            this.maxHeaderBytes = maxHeaderBytes;
            return this;
        }

        /**
         * Verifies bearer tokens with {@code verifier} and makes the gateway default-deny: every route then needs
         * a valid token ({@code Authorization: Bearer ...}, the WebSocket upgrade too) unless it is declared
         * {@link Access#open()}, and its {@link Access} rules apply. A missing or invalid token is a 401 with
         * {@code WWW-Authenticate}; the wrong role or someone else's id a 403. The verified actor travels to the
         * services in the {@value io.natrix.RequestContext#ACTOR} header, which clients cannot set.
         *
         * <p>Without it the gateway asks nobody who they are: an open gateway, for a trusted network only.
         */
        public Builder authentication(TokenVerifier verifier) {
            this.verifier = Optional.of(Objects.requireNonNull(verifier, "verifier"));
            return this;
        }

        /**
         * The names clients reach this gateway by ({@code rides.example.com}), besides the loopback names a
         * gateway bound to a loopback address always answers to: a request with another {@code Host}, or a
         * browser's WebSocket from a page on another name, is refused with 403 (against DNS rebinding). A gateway
         * bound elsewhere and given no names answers to any.
         */
        public Builder hosts(String... names) {
            this.hosts = Set.of(names);
            return this;
        }

        /**
         * What one identity may ask of this gateway once it verifies tokens ({@link Limits}); defaults to
         * {@link Limits#defaults()}. An open gateway knows no identities and limits none.
         */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * A browser's way in under {@code pathPrefix} (a dashboard's page and its {@code EventSource}, which
         * cannot send a header): {@code GET <prefix>?token=T} checks the token, sets it in an HttpOnly,
         * SameSite=Strict cookie scoped to the prefix and redirects to the page without it; under the prefix the
         * cookie then stands for the header. Other paths never read the cookie.
         */
        public Builder browserLogin(String pathPrefix) {
            PathTemplate.compile(pathPrefix);
            if (pathPrefix.contains("{") || pathPrefix.length() < 2 || pathPrefix.endsWith("/")) {
                throw new IllegalArgumentException("a login prefix is a fixed path such as /dashboard, got " + pathPrefix);
            }
            this.loginPath = Optional.of(pathPrefix);
            return this;
        }

        /** Adds a route. */
        public Builder route(Route route) {
            routes.add(Objects.requireNonNull(route, "route"));
            return this;
        }

        /** Adds a long-lived stream. */
        public Builder stream(StreamRoute stream) {
            streams.add(Objects.requireNonNull(stream, "stream"));
            return this;
        }

        /**
         * Serves a fixed page (a dashboard, say) on GET {@code path}: bytes given at start, sent as they are with
         * {@code contentType}. The gateway stays the one HTTP edge; whatever the page shows comes over its routes.
         */
        public Builder page(String path, String contentType, byte[] body) {
            return page(path, contentType, body, Access.authenticated());
        }

        /** As {@link #page(String, String, byte[])}, for whom {@code access} allows. */
        public Builder page(String path, String contentType, byte[] body, Access access) {
            PathTemplate.compile(path);
            pages.add(new Page(path, Objects.requireNonNull(contentType, "contentType"), body.clone(),
                    Objects.requireNonNull(access, "access")));
            return this;
        }

        /**
         * Streaming uploads and downloads: POST {@code path} stores the body in a JetStream object store bucket
         * as it arrives, GET streams it back. The template names {@code {bucket}} and {@code {name}}; only the
         * given buckets are served, and they are created (file storage) when missing.
         */
        public Builder uploads(String path, String... buckets) {
            if (!path.contains("{bucket}") || !path.contains("{name}")) {
                throw new IllegalArgumentException("an upload path names {bucket} and {name}, got " + path);
            }
            if (buckets.length == 0) {
                throw new IllegalArgumentException("name at least one bucket to serve");
            }
            PathTemplate.compile(path);
            this.uploadPath = path;
            this.uploadBuckets = Set.of(buckets);
            return this;
        }

        /**
         * Who may upload and download, once tokens are verified; defaults to admins only (an upload fills a
         * bucket: open it to others deliberately, with {@link #maxUploadBytes} and the per-identity stream limit,
         * which counts uploads in flight).
         */
        public Builder uploadAccess(Access access) {
            this.uploadAccess = Objects.requireNonNull(access, "access");
            return this;
        }

        /** The largest upload; larger ones get 413 and nothing is stored. Defaults to 8 GiB. */
        public Builder maxUploadBytes(long maxUploadBytes) {
            if (maxUploadBytes < 1) {
                throw new IllegalArgumentException("maxUploadBytes must be positive, got " + maxUploadBytes);
            }
            this.maxUploadBytes = maxUploadBytes;
            return this;
        }

        /** The longest line an ingest stream accepts; longer lines are rejected and skipped. Defaults to 64 KiB. */
        public Builder maxLineBytes(int maxLineBytes) {
            if (maxLineBytes < 16) {
                throw new IllegalArgumentException("maxLineBytes must be at least 16, got " + maxLineBytes);
            }
            this.maxLineBytes = maxLineBytes;
            return this;
        }

        /** Streams held at once; more are refused with 503. Defaults to {@value #DEFAULT_MAX_STREAMS}. */
        public Builder maxStreams(int maxStreams) {
            if (maxStreams < 1) {
                throw new IllegalArgumentException("maxStreams must be at least 1, got " + maxStreams);
            }
            this.maxStreams = maxStreams;
            return this;
        }

        /** How long a client may send nothing on an open request before it is closed; defaults to 30 s. */
        public Builder idleTimeout(Duration idleTimeout) {
            if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** How often an idle outbound stream writes a keep-alive; defaults to 15 s. */
        public Builder heartbeat(Duration heartbeat) {
            if (heartbeat == null || heartbeat.isNegative() || heartbeat.isZero()) {
                throw new IllegalArgumentException("heartbeat must be positive, got " + heartbeat);
            }
            this.heartbeat = heartbeat;
            return this;
        }

        /** Adds every route of a JSON file (see {@code gateway/README.md} for its shape). */
        public Builder routes(Path file) {
            routes.addAll(RouteFile.read(file));
            return this;
        }

        /** Binds the port and starts serving. */
        public Gateway start() {
            return DefaultGateway.start(this);
        }
    }
}
