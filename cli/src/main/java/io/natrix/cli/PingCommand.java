package io.natrix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.natrix.Natrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

@Command(name = "ping", description = "Every instance that answers $SRV.PING, and how long its answer took.")
final class PingCommand extends NatsCommand {

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "one service (default: all)")
    String name;

    @Option(names = "--json", description = "print JSON, for scripts")
    boolean json;

    record Pong(String service, String id, String version, double milliseconds) {
    }

    @Override
    public Integer call() throws InterruptedException {
        try (Natrix natrix = cli.connect()) {
            Connection nats = natrix.nats();
            String inbox = nats.createInbox();
            Subscription answers = nats.subscribe(inbox);
            long sent = System.nanoTime();
            nats.publish(name == null ? "$SRV.PING" : "$SRV.PING." + name, inbox, null);
            List<Pong> pongs = new ArrayList<>();
            long deadline = sent + cli.wait.toNanos();
            for (long left = cli.wait.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                Message answer = answers.nextMessage(Duration.ofNanos(left));
                long arrived = System.nanoTime(); // before reading it: the first read also loads the JSON parser
                if (answer != null && !answer.isStatusMessage()) {
                    JsonNode pong = tree(answer.getData());
                    pongs.add(new Pong(pong.path("name").asText(), pong.path("id").asText(), pong.path("version").asText(),
                            (arrived - sent) / 1e6));
                }
            }
            if (pongs.isEmpty()) {
                return name == null ? noServices() : nothing("no instance of '" + name + "' answered the ping on "
                        + cli.servers() + ": `natrix ls` lists the services that run");
            }
            if (json) {
                printJson(pongs);
                return 0;
            }
            Table table = new Table("SERVICE", "INSTANCE", "VERSION", "TIME");
            pongs.forEach(pong -> table.row(pong.service(), pong.id(), pong.version(), String.format("%.2f ms", pong.milliseconds())));
            table.print(out());
            return 0;
        }
    }
}
