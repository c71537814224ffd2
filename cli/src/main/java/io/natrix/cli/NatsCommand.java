package io.natrix.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nats.service.Discovery;
import io.natrix.Natrix;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** What every subcommand shares: the connection options, the output, JSON in and out. */
abstract class NatsCommand implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper COMPACT = new ObjectMapper();

    @ParentCommand
    NatrixCli cli;

    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** jnats's Services API client: what the commands read services with, whoever wrote them. */
    Discovery discovery(Natrix natrix) {
        return new Discovery(natrix.nats(), Math.max(1, cli.wait.toMillis()), Integer.MAX_VALUE);
    }

    /**
     * Asks, and counts "nobody answered" as no answers: jnats's {@code Discovery} reads the server's
     * no-responders status (Natrix connections ask for it) as an answer and throws on its empty type.
     */
    static <T> java.util.List<T> asked(java.util.function.Supplier<java.util.List<T>> question) {
        try {
            return question.get();
        } catch (IllegalArgumentException noResponders) {
            return java.util.List.of();
        }
    }

    /** Says there was nothing to find, and what to do about it. */
    int nothing(String what) {
        err().println("natrix: " + what);
        return NatrixCli.FOUND_NOTHING;
    }

    /** No service answered at all: the usual cause is that nothing runs on that NATS. */
    Integer noServices() {
        err().println("natrix: no services answered on " + cli.servers() + " within " + cli.wait.toMillis()
                + " ms: is the demo running (./natrix demo)? Or name the right server with --nats URL");
        return NatrixCli.UNREACHABLE;
    }

    /** {@code value} as indented JSON, for a listing. */
    void printJson(Object value) {
        print(JSON, value);
    }

    /** {@code value} as JSON on one line, for a stream of them. */
    void printJsonLine(Object value) {
        print(COMPACT, value);
    }

    private void print(ObjectMapper mapper, Object value) {
        try {
            out().println(mapper.writeValueAsString(value));
            out().flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A payload as pretty JSON if it is JSON, else as text. */
    static String pretty(byte[] payload) {
        if (payload == null || payload.length == 0) {
            return "(empty)";
        }
        try {
            return JSON.writeValueAsString(JSON.readTree(payload));
        } catch (java.io.IOException notJson) {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** A payload as a JSON tree if it is JSON, else as a JSON string. */
    static JsonNode tree(byte[] payload) {
        try {
            JsonNode node = payload == null || payload.length == 0 ? null : JSON.readTree(payload);
            return node == null ? JSON.getNodeFactory().nullNode() : node;
        } catch (java.io.IOException notJson) {
            return JSON.getNodeFactory().textNode(new String(payload, StandardCharsets.UTF_8));
        }
    }

    static String millis(long nanos) {
        if (nanos <= 0) {
            return "-";
        }
        double ms = nanos / 1e6;
        return ms >= 100 ? String.format("%.0f ms", ms) : ms >= 1 ? String.format("%.1f ms", ms) : String.format("%.2f ms", ms);
    }
}
