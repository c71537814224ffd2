package io.natrix.ride.users;

import io.natrix.JetStreamDefaults;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import io.natrix.Actor;
import io.natrix.Natrix;
import io.natrix.RequestContext;
import io.natrix.Service;
import io.natrix.ServiceException;
import io.natrix.ride.RideStorage;
import io.natrix.ride.WhileElecting;
import io.natrix.ride.users.UserMessages.CreateUser;
import io.natrix.gateway.TokenIssuer;
import io.natrix.ride.users.UserMessages.GetUser;
import io.natrix.ride.users.UserMessages.Registered;
import io.natrix.ride.users.UserMessages.UpdateUser;
import io.natrix.ride.users.UserMessages.User;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Riders and drivers, stored in the JetStream key-value bucket {@code users} (file storage), so a restart of
 * every instance loses nothing. Any instance answers any request: the bucket is the only state.
 */
public final class UsersService {

    /** The key-value bucket. */
    public static final String BUCKET = RideStorage.USERS;

    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ()-]{6,20}");
    private static final int MAX_UPDATE_ATTEMPTS = 5;

    /** How long a rider's or driver's token is valid. */
    public static final Duration TOKEN_LIFETIME = Duration.ofHours(24);

    private final KeyValue bucket;
    private final Optional<TokenIssuer> tokens;
    private final ObjectMapper json = new ObjectMapper();

    private UsersService(KeyValue bucket, Optional<TokenIssuer> tokens) {
        this.bucket = bucket;
        this.tokens = tokens;
    }

    /** Starts one users instance on the provisioned bucket ({@link RideStorage#provision}), minting no tokens. */
    public static Service start(Natrix natrix) {
        return start(natrix, Optional.empty());
    }

    /**
     * Starts one users instance that answers each sign-up with the new user's bearer token, valid for
     * {@link #TOKEN_LIFETIME}: the users service owns identities, so it alone holds the signing key.
     */
    public static Service start(Natrix natrix, TokenIssuer tokens) {
        return start(natrix, Optional.of(tokens));
    }

    private static Service start(Natrix natrix, Optional<TokenIssuer> tokens) {
        UsersService users = new UsersService(bucket(natrix), tokens);
        return natrix.service("users").version("1.0.0").description("Riders and drivers, in a JetStream key-value bucket")
                .implement(UsersApi.class, new UsersApi() {
                    @Override
                    public User createUser(CreateUser request) throws Exception {
                        return users.create(request);
                    }

                    @Override
                    public Registered registerRider(UserMessages.Register request) throws Exception {
                        return users.register(UserMessages.Role.RIDER, request);
                    }

                    @Override
                    public Registered registerDriver(UserMessages.Register request) throws Exception {
                        return users.register(UserMessages.Role.DRIVER, request);
                    }

                    @Override
                    public User getUser(GetUser request) throws Exception {
                        return shown(users.get(request));
                    }

                    @Override
                    public User updateUser(UpdateUser request) throws Exception {
                        actingFor(request.id());
                        return users.update(request);
                    }
                })
                .start();
    }

    /** A sign-up: the user, and its token when this instance mints them. */
    private Registered register(UserMessages.Role role, UserMessages.Register request) throws Exception {
        User user = create(new CreateUser(role, request.name(), request.phone()));
        return Registered.of(user, tokens.map(issuer -> issuer.issue(new Actor(role.name(), user.id()), TOKEN_LIFETIME)));
    }

    /** The user as the request's actor may see it: the phone only for the user itself or an admin. */
    private static User shown(User user) {
        boolean everything = RequestContext.current().flatMap(RequestContext::actor)
                .map(actor -> actor.admin() || actor.id().equals(user.id())).orElse(true); // no actor: from inside the system
        return everything ? user : new User(user.id(), user.role(), user.name(), null, user.createdAt(), user.revision());
    }

    /** Refuses (403) a change to another user than the request's actor; admins may. */
    private static void actingFor(String id) {
        RequestContext.current().flatMap(RequestContext::actor).filter(actor -> !actor.admin() && !actor.id().equals(id))
                .ifPresent(actor -> {
                    throw new ServiceException(403, "the request acts for " + actor.header() + ", not user " + id);
                });
    }

    private static KeyValue bucket(Natrix natrix) {
        try {
            RideStorage.require(natrix.nats(), "KV_" + BUCKET);
            return natrix.nats().keyValue(BUCKET, JetStreamDefaults.keyValue());
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("the users bucket is not available (is JetStream enabled?): " + e.getMessage(), e);
        }
    }

    private User create(CreateUser request) throws Exception {
        if (request.role() == null) {
            throw new ServiceException(400, "role must be RIDER or DRIVER");
        }
        validate(request.name(), request.phone());
        // the request id is the idempotency key: the same sign-up sent again (a retry after a lost answer, through
        // a NATS server's death) names the same user, finds it stored and answers it, instead of a second user
        String id = RequestContext.current().flatMap(RequestContext::requestId)
                .map(key -> UUID.nameUUIDFromBytes(("user/" + request.role() + "/" + key).getBytes(StandardCharsets.UTF_8)))
                .orElseGet(UUID::randomUUID).toString();
        User user = new User(id, request.role(), request.name().strip(), request.phone(), System.currentTimeMillis(), 0);
        byte[] stored = json.writeValueAsBytes(user);
        try {
            return withRevision(user, WhileElecting.retry(() -> bucket.create(id, stored)));
        } catch (JetStreamApiException exists) {
            User earlier = get(new GetUser(id));
            if (earlier.role() == user.role() && earlier.name().equals(user.name()) && earlier.phone().equals(user.phone())) {
                return earlier;
            }
            throw new ServiceException(409, "request id already used for another sign-up; send each new request with"
                    + " a new X-Request-Id");
        }
    }

    private User get(GetUser request) throws Exception {
        if (request.id() == null || request.id().isBlank() || request.id().contains(".") || request.id().contains(" ")) {
            throw new ServiceException(400, "id must be a user id");
        }
        KeyValueEntry entry = WhileElecting.retry(() -> bucket.get(request.id()));
        if (entry == null || entry.getValue() == null) {
            throw new ServiceException(404, "no user " + request.id());
        }
        return withRevision(json.readValue(entry.getValue(), User.class), entry.getRevision());
    }

    /** Compare-and-set on the entry's revision, retried a few times when another update wins the race. */
    private User update(UpdateUser request) throws Exception {
        for (int attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
            User current = get(new GetUser(request.id()));
            String name = request.name() != null ? request.name().strip() : current.name();
            String phone = request.phone() != null ? request.phone() : current.phone();
            validate(name, phone);
            User updated = new User(current.id(), current.role(), name, phone, current.createdAt(), 0);
            try {
                long revision = bucket.update(current.id(), json.writeValueAsBytes(updated), current.revision());
                return withRevision(updated, revision);
            } catch (JetStreamApiException conflict) {
                // another instance updated the user since we read it: read again and reapply
            }
        }
        throw new ServiceException(409, "user " + request.id() + " is being changed concurrently; try again");
    }

    private static void validate(String name, String phone) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new ServiceException(400, "name must be 1 to 100 characters");
        }
        if (phone == null || !PHONE.matcher(phone).matches()) {
            throw new ServiceException(400, "phone must be 6 to 20 digits, spaces, '+', '-' or parentheses");
        }
    }

    private static User withRevision(User user, long revision) {
        return new User(user.id(), user.role(), user.name(), user.phone(), user.createdAt(), revision);
    }
}
