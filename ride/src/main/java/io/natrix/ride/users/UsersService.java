package io.natrix.ride.users;


import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.natrix.Actor;
import io.natrix.Natrix;
import io.natrix.RequestContext;
import io.natrix.Service;
import io.natrix.ServiceException;
import io.natrix.ride.HomeBuckets;
import io.natrix.ride.HomeRegion;
import io.natrix.ride.RideStorage;
import io.natrix.ride.geo.GeoRegions;
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
 *
 * <p>When the system runs in regions, each region has a bucket of its own ({@code users_north}), placed in its
 * NATS cluster: a user signs up in the region of the instance that answers, and its id says so
 * ({@link HomeRegion}: {@code north_6f1c...}); any instance of any region reads or changes a user in the bucket of
 * its id's region, so a traveller is found wherever it asks, with no copy to keep in step. A region whose cluster
 * is lost takes only its own users with it, until it returns.
 */
public final class UsersService {

    /** The key-value bucket. */
    public static final String BUCKET = RideStorage.USERS;

    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ()-]{6,20}");
    private static final int MAX_UPDATE_ATTEMPTS = 5;

    /** How long a rider's or driver's token is valid. */
    public static final Duration TOKEN_LIFETIME = Duration.ofHours(24);

    private final HomeBuckets buckets;
    private final Optional<TokenIssuer> tokens;
    private final ObjectMapper json = new ObjectMapper();

    private UsersService(HomeBuckets buckets, Optional<TokenIssuer> tokens) {
        this.buckets = buckets;
        this.tokens = tokens;
    }

    /** Starts one users instance on the provisioned bucket ({@link RideStorage#provision}), minting no tokens. */
    public static Service start(Natrix natrix) {
        return start(natrix, Optional.empty(), Optional.empty());
    }

    /**
     * Starts one users instance that answers each sign-up with the new user's bearer token, valid for
     * {@link #TOKEN_LIFETIME}: the users service owns identities, so it alone holds the signing key.
     */
    public static Service start(Natrix natrix, TokenIssuer tokens) {
        return start(natrix, Optional.of(tokens), Optional.empty());
    }

    /**
     * As above, with the system in {@code regions}, this instance in the region {@code own} names: users sign up
     * in its region's bucket, and are read from their own region's, wherever that is.
     */
    public static Service start(Natrix natrix, Optional<TokenIssuer> tokens, Optional<GeoRegions.Region> own, GeoRegions regions) {
        return start(natrix, tokens, Optional.of(new InRegions(own.orElseThrow(() -> new IllegalStateException(
                "the system runs in regions (" + regions + "): give this users instance its region with -Dnatrix.region"
                        + " or NATRIX_REGION")).name(), regions)));
    }

    private record InRegions(String own, GeoRegions regions) {
    }

    private static Service start(Natrix natrix, Optional<TokenIssuer> tokens, Optional<InRegions> regions) {
        UsersService users = new UsersService(buckets(natrix, regions), tokens);
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

    private static HomeBuckets buckets(Natrix natrix, Optional<InRegions> regions) {
        try {
            return HomeBuckets.open(natrix.nats(), BUCKET, regions.map(InRegions::own), regions.map(r -> r.regions().regions().stream()
                    .map(GeoRegions.Region::name).collect(java.util.stream.Collectors.toSet())).orElse(java.util.Set.of()));
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
        String id = HomeRegion.id(buckets.own(), RequestContext.current().flatMap(RequestContext::requestId)
                .map(key -> UUID.nameUUIDFromBytes(("user/" + request.role() + "/" + key).getBytes(StandardCharsets.UTF_8)))
                .orElseGet(UUID::randomUUID));
        KeyValue bucket = buckets.ownBucket();
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
        KeyValueEntry entry = atHome(request.id(), () -> bucketFor(request.id()).get(request.id()));
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
                byte[] stored = json.writeValueAsBytes(updated);
                long revision = atHome(current.id(), () -> bucketFor(current.id()).update(current.id(), stored, current.revision()));
                return withRevision(updated, revision);
            } catch (JetStreamApiException conflict) {
                // another instance updated the user since we read it: read again and reapply
            }
        }
        throw new ServiceException(409, "user " + request.id() + " is being changed concurrently; try again");
    }

    /**
     * Runs an operation on a user's bucket ({@link HomeBuckets#run}); a user kept in another region that does not
     * answer (its NATS cluster lost) is a 503 that says so, within one JetStream timeout, where waiting out an
     * election would outlast the caller's deadline.
     */
    private <T> T atHome(String id, WhileElecting.Operation<T> operation) throws IOException, JetStreamApiException {
        try {
            return buckets.run(id, operation);
        } catch (HomeBuckets.RegionUnavailable unavailable) {
            throw new ServiceException(503, "user " + unavailable.getMessage());
        }
    }

    /** The bucket of the user's region (or the one); 404 for an id of no region the system has. */
    private KeyValue bucketFor(String id) throws IOException {
        return buckets.bucketFor(id).orElseThrow(() -> new ServiceException(404, "no user " + id));
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
