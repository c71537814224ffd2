package io.natrix.cli;

import io.natrix.Natrix;
import io.natrix.tracing.TraceSummary;
import io.natrix.tracing.Traces;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;

@Command(name = "traces", description = "The recent traces the processes keep, newest (or slowest) first.")
final class TracesCommand extends NatsCommand {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    @Option(names = "--slowest", description = "slowest first")
    boolean slowest;

    @Option(names = "--errors", description = "only traces with a failed hop")
    boolean errors;

    @Option(names = "--limit", paramLabel = "N", description = "at most N (default: ${DEFAULT-VALUE})", defaultValue = "20")
    int limit;

    @Option(names = "--json", description = "print JSON, for scripts")
    boolean json;

    @Override
    public Integer call() {
        try (Natrix natrix = cli.connect()) {
            List<TraceSummary> recent = Traces.recent(natrix.nats(), cli.wait, Integer.MAX_VALUE).stream()
                    .filter(trace -> !errors || trace.errors() > 0)
                    .sorted(slowest ? Comparator.comparingLong(TraceSummary::durationMicros).reversed()
                            : Comparator.comparingLong(TraceSummary::startMicros).reversed())
                    .limit(limit).toList();
            if (recent.isEmpty()) {
                return nothing("no process on " + cli.servers() + " keeps a trace" + (errors ? " with an error" : "")
                        + ": are the services traced (natrix-tracing) and has anything been called?");
            }
            if (json) {
                printJson(recent);
                return 0;
            }
            Table table = new Table("TRACE", "STARTED", "TOOK", "SPANS", "ERRORS", "ROOT");
            for (TraceSummary trace : recent) {
                table.row(trace.traceId(), TIME.format(Instant.ofEpochMilli(trace.startMicros() / 1000)),
                        millis(trace.durationMicros() * 1000), trace.spans(), trace.errors(), trace.root());
            }
            table.print(out());
            return 0;
        }
    }
}
