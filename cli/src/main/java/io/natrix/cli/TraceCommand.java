package io.natrix.cli;

import io.natrix.Natrix;
import io.natrix.tracing.SpanRecord;
import io.natrix.tracing.TraceTree;
import io.natrix.tracing.Traces;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "trace", description = {"One trace from every process that kept part of it: each hop under its caller,",
        "its time, its own time, its outcome, and where the time went."})
final class TraceCommand extends NatsCommand {

    @Parameters(paramLabel = "ID", description = "the trace id (32 hex digits; a traceparent's middle part also works)")
    String id;

    @Option(names = "--json", description = "print the spans as JSON, for scripts")
    boolean json;

    @Override
    public Integer call() {
        String traceId = id.contains("-") && id.split("-").length == 4 ? id.split("-")[1] : id;
        try (Natrix natrix = cli.connect()) {
            List<SpanRecord> spans;
            try {
                spans = Traces.fetch(natrix.nats(), traceId, cli.wait);
            } catch (IllegalArgumentException malformed) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), malformed.getMessage());
            }
            if (spans.isEmpty()) {
                return nothing("no process on " + cli.servers() + " holds trace " + traceId + ": each keeps its last "
                        + "traces only; `natrix traces` lists the ones kept");
            }
            if (json) {
                printJson(spans);
            } else {
                out().print(TraceTree.render(spans));
                out().flush();
            }
            return 0;
        }
    }
}
