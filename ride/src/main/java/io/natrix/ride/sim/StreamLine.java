package io.natrix.ride.sim;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;

/**
 * One JSON line of a followed stream, as the simulator's app reads it: a message for the agent, the gateway's
 * error line, or its notice that it is closing.
 */
sealed interface StreamLine<T> {

    /** How a stream's lines are read. */
    @FunctionalInterface
    interface Reader<T> {
        StreamLine<T> read(String json) throws IOException;
    }

    /** A message for the agent. */
    record Message<T>(T value) implements StreamLine<T> {
    }

    /** {@code {"error":{"status":..,"message":..}}}: counted as an error, never given to the agent. */
    record Failed<T>(JsonNode error) implements StreamLine<T> {
    }

    /** {@code {"closing":..}}: the gateway is stopping; the stream ending is not a loss. */
    record Closing<T>() implements StreamLine<T> {
    }

    /** Lines read whole, as trees: for streams of few messages (offers, a rider's rides). */
    Reader<JsonNode> TREES = json -> {
        JsonNode line = SimHttp.JSON.readTree(json);
        if (line.has("error")) {
            return new Failed<>(line.get("error"));
        }
        return line.has("closing") ? new Closing<>() : new Message<>(line);
    };
}
