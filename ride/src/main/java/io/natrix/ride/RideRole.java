package io.natrix.ride;

import io.natrix.Natrix;
import io.natrix.gateway.Gateway;
import io.natrix.ride.api.RideApi;
import io.natrix.ride.dashboard.DashboardService;
import io.natrix.ride.dispatch.Dispatch;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.ride.eta.EtaService;
import io.natrix.ride.geo.GeoIndex;
import io.natrix.ride.geo.GeoRegions;
import io.natrix.ride.geo.GeoService;
import io.natrix.ride.users.UsersService;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/** Each part of the ride system, and how one instance of it starts: the one place that knows. */
public enum RideRole {

    USERS, GEO, ETA_QUICK, ETA_CAREFUL, DISPATCH, DASHBOARD, GATEWAY;

    /** How long the careful ETA estimator takes on top of its model: a stand-in for a routing engine. */
    static final Duration CAREFUL_ETA_LATENCY = Duration.ofMillis(40);

    /** Starts one instance over {@code natrix}, open (no tokens); {@code port} is for the gateway (0: any free port). */
    AutoCloseable start(Natrix natrix, DispatchConfig dispatch, int port) {
        return start(natrix, dispatch, port, RideTokens.none());
    }

    /**
     * Starts one instance over {@code natrix}; {@code port} is for the gateway (0: any free port). With tokens,
     * users mints them at sign-up and the gateway requires them (its dashboard for admins only, logged in by a
     * link that sets a cookie, see {@link RideSecurity#adminToken()}).
     */
    AutoCloseable start(Natrix natrix, DispatchConfig dispatch, int port, RideTokens tokens) {
        return start(natrix, dispatch, port, OptionalInt.empty(), tokens);
    }

    /** The same; a gateway also serves its publish streams' WebSockets on {@code ingestPort} (0: any free port). */
    AutoCloseable start(Natrix natrix, DispatchConfig dispatch, int port, OptionalInt ingestPort, RideTokens tokens) {
        return switch (this) {
            case USERS -> GeoRegions.configured()
                    .map(regions -> UsersService.start(natrix, tokens.issuer(), region().map(regions::named), regions))
                    .orElseGet(() -> tokens.issuer().map(issuer -> UsersService.start(natrix, issuer)).orElseGet(() -> UsersService.start(natrix)));
            case GEO -> GeoService.start(natrix, new GeoIndex(RideStorage.FLEET_KEPT, System::currentTimeMillis),
                    GeoRegions.configured().map(regions -> regions.named(region().orElseThrow(() -> new IllegalStateException(
                            "geo is sharded by region (" + regions + "): give this instance its region with -Dnatrix.region"
                                    + " or NATRIX_REGION")))));
            case ETA_QUICK -> EtaService.startQuick(natrix);
            case ETA_CAREFUL -> EtaService.startCareful(natrix, CAREFUL_ETA_LATENCY);
            case DISPATCH -> Dispatch.start(natrix, (dispatch.regions().isPresent() ? dispatch : dispatch.regions(GeoRegions.configured()))
                    .region(dispatch.region().or(RideRole::region)));
            case DASHBOARD -> DashboardService.start(natrix);
            case GATEWAY -> {
                Gateway.Builder gateway = Gateway.builder(natrix).port(port);
                ingestPort.ifPresent(gateway::ingestPort);
                tokens.verifier().ifPresent(verifier -> gateway.authentication(verifier).browserLogin(DashboardService.PATH));
                yield DashboardService.routes(RideApi.routes(gateway, GeoRegions.configured())).start();
            }
        };
    }

    /**
     * The region this process runs in, when it is given one: {@code -Dnatrix.region}, else {@code NATRIX_REGION}.
     * Its services say so in discovery ({@code natrix ls}); a geo instance is then its region's shard.
     */
    public static Optional<String> region() {
        return Optional.ofNullable(System.getProperty("natrix.region", System.getenv("NATRIX_REGION"))).filter(r -> !r.isBlank());
    }

    /** The name used on command lines: {@code eta-quick}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The role named {@code label} on a command line. */
    public static RideRole of(String label) {
        for (RideRole role : values()) {
            if (role.label().equals(label)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role " + label + "; one of users, geo, eta-quick, eta-careful, dispatch, dashboard, gateway");
    }
}
