package io.natrix.cli;

import io.nats.client.Message;
import io.nats.client.Subscription;
import io.natrix.Natrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "sub", description = "Prints every message on a subject (wildcards * and > allowed), JSON pretty-printed.")
final class SubscribeCommand extends NatsCommand {

    @Parameters(paramLabel = "SUBJECT", description = "e.g. 'ms.riders.>'")
    String subject;

    @Option(names = "--count", paramLabel = "N", description = "stop after N messages")
    long count = Long.MAX_VALUE;

    @Option(names = "--json", description = "one JSON object per message and line: time, subject, data")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (Natrix natrix = cli.connect()) {
            Subscription subscription = natrix.nats().subscribe(subject);
            natrix.nats().flush(Duration.ofSeconds(2));
            if (!json) {
                err().println("listening on " + subject + " at " + cli.servers() + " (Ctrl-C stops)");
            }
            for (long seen = 0; seen < count; ) {
                Message message = subscription.nextMessage(Duration.ofSeconds(1));
                if (message == null || message.isStatusMessage()) {
                    continue;
                }
                seen++;
                String time = LocalTime.now().toString();
                if (json) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("time", time);
                    line.put("subject", message.getSubject());
                    line.put("data", tree(message.getData()));
                    printJsonLine(line);
                } else {
                    out().println(time + "  " + message.getSubject());
                    out().println(pretty(message.getData()).indent(2).stripTrailing());
                    out().flush();
                }
            }
            return 0;
        }
    }
}
