package io.natrix.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.natrix.Natrix;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link StreamRoute#publish} stream: reads NDJSON lines as they arrive and publishes each good one at once.
 * A bad line (not UTF-8, not a JSON object, too long) is counted and reported in the final answer; it never
 * ends the stream. The answer, when the client ends its body, says how many lines were accepted and rejected.
 */
final class IngestStream implements Forwarder {

    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());
    private static final int REPORTED_ERRORS = 10;

    /** The final answer of an ingest stream. */
    record Summary(long accepted, long rejected, List<String> errors) {
    }

    private final Natrix natrix;
    private final IngestEvents events;
    private final ObjectMapper json;
    private final StreamCounter streams;
    private final IdleWatch idle;

    IngestStream(Natrix natrix, IngestEvents events, ObjectMapper json, StreamCounter streams, IdleWatch idle) {
        this.natrix = natrix;
        this.events = events;
        this.json = json;
        this.streams = streams;
        this.idle = idle;
    }

    @Override
    public void serve(Exchange exchange) throws Exception {
        NatsLink.awaitConnected(natrix, NatsLink.RECONNECT_PATIENCE);
        IngestEvents.Target target = events.target(exchange.pathParameters());
        String contentType = exchange.request().headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!isNdjson(contentType)) {
            throw new HttpProblem(400, "send one JSON object per line with Content-Type: application/x-ndjson"
                    + (contentType.isEmpty() ? " (none was given)" : " (got " + contentType + ")"));
        }
        try (StreamCounter.Slot _ = streams.open()) {
            Summary summary = ingest(exchange, target);
            exchange.response().header(HeaderNames.CONTENT_TYPE, "application/json");
            exchange.response().send(json.writeValueAsBytes(summary));
        }
    }

    private Summary ingest(Exchange exchange, IngestEvents.Target target) throws Exception {
        long accepted = 0;
        long rejected = 0;
        List<String> errors = new ArrayList<>();
        IdleWatch.Watch watch = idle.watchCurrentThread();
        try (watch; InputStream body = exchange.request().content().inputStream()) {
            NdjsonLines lines = new NdjsonLines(body, events.maxBytes());
            for (NdjsonLines.Line line = lines.next(); line != null; line = lines.next()) {
                watch.progress();
                IngestEvents.Outcome outcome = line.tooLong() ? events.tooLong() : events.publish(line.bytes(), target, exchange.context());
                switch (outcome) {
                    case IngestEvents.Outcome.Published _ -> accepted++;
                    case IngestEvents.Outcome.Blank _ -> { }
                    case IngestEvents.Outcome.Rejected(String reason) -> {
                        rejected++;
                        if (errors.size() < REPORTED_ERRORS) {
                            errors.add("line " + line.number() + ": " + reason);
                        }
                    }
                }
            }
        } catch (UncheckedIOException | IOException | DataReader.InsufficientDataAvailableException e) {
            // the client went away, or sent nothing for the idle timeout and the watch closed its socket;
            // every line that arrived was published, and there is nobody left to answer
            LOG.log(Level.INFO, "ingest stream {0} ended after {1} lines: {2}", exchange.requestId(), accepted,
                    watch.expired() ? "idle for " + idle.timeout().toMillis() + " ms" : String.valueOf(e.getMessage()));
            throw new StreamEnded();
        }
        return new Summary(accepted, rejected, errors);
    }

    private static boolean isNdjson(String contentType) {
        String type = contentType.split(";", 2)[0].trim().toLowerCase();
        return type.equals("application/x-ndjson") || type.equals("application/jsonl") || type.equals("application/json-lines");
    }
}
