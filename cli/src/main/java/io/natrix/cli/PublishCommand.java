package io.natrix.cli;

import io.natrix.Natrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "pub", description = "Publishes one event: every listener on the subject gets it.")
final class PublishCommand extends NatsCommand {

    @Parameters(index = "0", paramLabel = "SUBJECT", description = "e.g. ms.geo.UpdatePoint")
    String subject;

    @Parameters(index = "1", paramLabel = "JSON", description = "the event; - reads it from stdin")
    String body;

    @Override
    public Integer call() throws Exception {
        byte[] event = Payloads.json(spec.commandLine(), "the event", body.equals("-") ? new String(System.in.readAllBytes()) : body);
        try (Natrix natrix = cli.connect()) {
            natrix.publish(subject, event);
            natrix.flush(java.time.Duration.ofSeconds(2));
            out().println("published " + event.length + " bytes to " + subject);
            return 0;
        }
    }
}
