package io.natrix.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code natrix new DIR}: a project of your own with one service, its contract, a test, and ./run and ./test. */
@Command(name = "new", description = "Write a new service's project into DIR: a contract, an endpoint and a listener, a test on a"
        + " real nats-server, and its own ./run and ./test")
final class NewCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "where the project goes (missing or empty)")
    Path dir;

    @Option(names = "--name", paramLabel = "NAME", description = "the service's name (default: DIR's name): ms.NAME.Greet")
    String name;

    @Option(names = "--package", paramLabel = "PACKAGE", description = "its Java package (default: com.example.NAME)")
    String javaPackage;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String service = name != null ? name : dir.toAbsolutePath().normalize().getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        NewProject project;
        try {
            project = new NewProject(service, javaPackage != null ? javaPackage : NewProject.defaultPackage(service));
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("natrix new: " + e.getMessage() + (name == null ? " (give one with --name)" : ""));
            return 2;
        }
        // this checkout's root: the Maven wrapper is copied from it (./natrix runs with -Dnatrix.home=ROOT/.natrix)
        Path natrix = Path.of(System.getProperty("natrix.home", ".natrix")).toAbsolutePath().getParent();
        try {
            project.write(dir, natrix);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("natrix new: " + e.getMessage());
            return 2;
        }
        var out = spec.commandLine().getOut();
        out.println("natrix new: the " + service + " service's project is in " + dir.toAbsolutePath().normalize());
        out.println("  cd " + dir + " && ./test      # its test, on a real nats-server");
        out.println("  cd " + dir + " && ./run       # one instance, on a nats-server of its own (or on $NATS_URL)");
        out.println("  (Natrix comes from ~/.m2: run ./natrix install here first if you have not)");
        return 0;
    }
}
