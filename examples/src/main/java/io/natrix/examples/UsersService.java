package io.natrix.examples;

import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.ServiceException;

import java.util.Map;

/** A complete microservice: run as many copies as you like and NATS balances GetUser over them. */
public final class UsersService {

    public record GetUser(String id) { }

    public record User(String id, String name, String servedBy) { }

    private static final Map<String, String> NAMES = Map.of("1", "Ada", "2", "Grace", "3", "Linus");

    /** Starts one instance of the users service on the connection. */
    public static Service start(Natrix natrix, String instance) {
        return natrix.service("users").version("1.0.0").description("Riders and drivers")
                .endpoint("GetUser", GetUser.class, request -> {
                    String name = NAMES.get(request.id());
                    if (name == null) {
                        throw new ServiceException(404, "no user with id " + request.id());
                    }
                    return new User(request.id(), name, instance);
                })
                .start();
    }

    public static void main(String[] args) throws InterruptedException {
        Natrix natrix = Connect.from(args);
        start(natrix, ProcessHandle.current().pid() + "");
        System.out.println("users service running; Ctrl-C drains and stops it");
        Thread.currentThread().join(); // the shutdown hook closes the connection and drains the service
    }
}
