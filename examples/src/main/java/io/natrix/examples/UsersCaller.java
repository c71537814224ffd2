package io.natrix.examples;

import io.natrix.NatrixException;
import io.natrix.Natrix;
import io.natrix.ServiceException;
import io.natrix.examples.UsersService.GetUser;
import io.natrix.examples.UsersService.User;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Calls the users service: a blocking call that returns the typed reply or throws a typed error. */
public final class UsersCaller {

    /** Asks for each id and describes what came back. */
    public static List<String> lookUp(Natrix natrix, String... ids) {
        List<String> lines = new ArrayList<>();
        for (String id : ids) {
            try {
                User user = natrix.call("ms.users.GetUser", new GetUser(id), User.class, Duration.ofSeconds(1));
                lines.add(user.id() + " is " + user.name() + " (served by " + user.servedBy() + ")");
            } catch (ServiceException e) {
                lines.add(id + ": " + e.code() + " " + e.getMessage());
            } catch (NatrixException e) {
                lines.add(id + ": " + e.getMessage()); // no instance running, timed out, overloaded...
            }
        }
        return lines;
    }

    public static void main(String[] args) {
        try (Natrix natrix = Connect.from(args)) {
            lookUp(natrix, "1", "2", "3", "42").forEach(System.out::println);
        }
    }
}
