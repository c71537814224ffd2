package io.natrix.ride;

import io.natrix.Natrix;
import io.natrix.gateway.Gateway;
import io.natrix.ride.api.RideApi;
import io.natrix.ride.dispatch.Dispatch;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.ride.eta.EtaService;
import io.natrix.ride.geo.GeoIndex;
import io.natrix.ride.geo.GeoService;
import io.natrix.ride.users.UsersService;

import java.time.Duration;

/**
 * One ride service instance as a process of its own: {@code ServiceMain <role> <nats-urls> [port]} with role
 * users, geo, eta-quick, eta-careful, dispatch or gateway. Prints {@code ready <role>} once it serves; SIGTERM
 * drains it (the connection's shutdown hook).
 */
public final class ServiceMain {

    private ServiceMain() {
    }

    public static void main(String[] args) throws Exception {
        String role = args[0];
        Natrix natrix = Natrix.builder().servers(args[1]).connectionName(role + "-" + ProcessHandle.current().pid()).connect();
        switch (role) {
            case "users" -> UsersService.start(natrix);
            case "geo" -> GeoService.start(natrix, new GeoIndex(Duration.ofSeconds(30), System::currentTimeMillis));
            case "eta-quick" -> EtaService.startQuick(natrix);
            case "eta-careful" -> EtaService.startCareful(natrix, Duration.ofMillis(40));
            case "dispatch" -> {
                Dispatch dispatch = Dispatch.start(natrix, DispatchConfig.defaults().replicas(Integer.parseInt(
                        System.getProperty("natrix.replicas", "1"))));
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(dispatch::close));
            }
            case "gateway" -> {
                Gateway gateway = RideApi.routes(Gateway.builder(natrix).port(Integer.parseInt(args[2]))).start();
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(gateway::close));
            }
            default -> throw new IllegalArgumentException("unknown role " + role
                    + "; one of users, geo, eta-quick, eta-careful, dispatch, gateway");
        }
        System.out.println("ready " + role);
        System.out.flush();
        Thread.currentThread().join();
    }
}
