package io.natrix.cli;

import io.natrix.CallTimeoutException;
import io.natrix.Natrix;
import io.natrix.NatrixException;
import io.natrix.NoRespondersException;
import io.natrix.OverloadedException;
import io.natrix.RequestContext;
import io.natrix.ServiceException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

@Command(name = "call", description = {"Sends one request and prints the reply, or the typed error.",
        "The request carries a new trace: `natrix trace` shows where it went."})
final class CallCommand extends NatsCommand {

    @Parameters(index = "0", paramLabel = "SUBJECT", description = "e.g. ms.users.GetUser")
    String subject;

    @Parameters(index = "1", paramLabel = "JSON", arity = "0..1", description = "the request (default {}); - reads it from stdin")
    String body = "{}";

    @Option(names = "--timeout", paramLabel = "DURATION", converter = NatrixCli.Durations.class, defaultValue = "5s",
            description = "how long to wait for the reply (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        byte[] request = Payloads.json(spec.commandLine(), "the request", body.equals("-") ? new String(System.in.readAllBytes()) : body);
        String traceId = UUID.randomUUID().toString().replace("-", "");
        RequestContext context = RequestContext.of(Map.of(RequestContext.REQUEST_ID, "cli-" + traceId.substring(0, 12),
                RequestContext.TRACEPARENT, "00-" + traceId + "-" + traceId.substring(0, 16) + "-01"));
        try (Natrix natrix = cli.connect()) {
            byte[] reply = context.call(() -> natrix.call(subject, request, byte[].class, timeout));
            out().println(pretty(reply));
            err().println("trace " + traceId);
            return 0;
        } catch (NatrixException failure) {
            err().println("natrix: " + explain(failure) + " (trace " + traceId + ")");
            return failure instanceof NoRespondersException || failure instanceof CallTimeoutException
                    ? NatrixCli.UNREACHABLE : NatrixCli.FOUND_NOTHING;
        }
    }

    private String explain(NatrixException failure) {
        return switch (failure) {
            case ServiceException answered -> subject + " answered " + answered.code() + ": " + answered.getMessage();
            case NoRespondersException none -> "nothing serves " + subject + " on " + cli.servers()
                    + ": `natrix ls` lists the services that run, `natrix info NAME` their subjects";
            case CallTimeoutException late -> "no answer on " + subject + " within " + timeout.toMillis() + " ms: "
                    + late.getMessage();
            case OverloadedException full -> subject + " is overloaded (429): " + full.getMessage();
            default -> failure.getClass().getSimpleName() + ": " + failure.getMessage();
        };
    }
}
