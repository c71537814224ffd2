package io.natrix.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * Rewrites one incoming event in a single streaming pass: the client's JSON object, written compactly (no newline
 * in it, as a batch's line must be), with the fields the gateway owns (the path's parameters, the stamp) set over
 * any the client sent. Numbers are copied as the client wrote them, never parsed and printed again; the event is
 * not built as a tree. Thousands of events a second pass here, so what it does not need to do it does not do.
 */
final class EventRewriter {

    /** Why an event could not be rewritten; its message is what the client is told. */
    static final class NotAnObject extends Exception {
        NotAnObject(String reason) {
            super(reason, null, false, false);
        }
    }

    private final JsonFactory factory;

    EventRewriter(JsonFactory factory) {
        this.factory = factory;
    }

    /**
     * @param bytes  one event, UTF-8 and not blank
     * @param owned  the fields the gateway sets, by name, as strings
     * @param stamp  a field the gateway sets to {@code now}, if any
     * @throws NotAnObject "not valid JSON" or "not a JSON object"
     */
    byte[] rewrite(byte[] bytes, Map<String, String> owned, Optional<String> stamp, long now) throws NotAnObject {
        try (JsonParser in = factory.createParser(bytes);
             ByteArrayBuilder buffer = new ByteArrayBuilder(bytes.length + 64)) {
            JsonToken first = in.nextToken();
            if (first != JsonToken.START_OBJECT) {
                if (first == null) {
                    throw new NotAnObject("not valid JSON");
                }
                in.skipChildren(); // a broken array is not valid JSON before it is not an object
                requireEnd(in);
                throw new NotAnObject("not a JSON object");
            }
            try (JsonGenerator out = factory.createGenerator(buffer)) {
                out.writeStartObject();
                JsonToken token;
                while ((token = in.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = in.currentName();
                    in.nextToken();
                    if (owned.containsKey(name) || stamped(stamp, name)) {
                        in.skipChildren();
                        continue;
                    }
                    out.writeFieldName(name);
                    copyValue(in, out);
                }
                if (token != JsonToken.END_OBJECT) {
                    throw new NotAnObject("not valid JSON");
                }
                for (Map.Entry<String, String> field : owned.entrySet()) {
                    if (!stamped(stamp, field.getKey())) { // the stamp is set last, over everything
                        out.writeStringField(field.getKey(), field.getValue());
                    }
                }
                if (stamp.isPresent()) {
                    out.writeNumberField(stamp.get(), now);
                }
                out.writeEndObject();
            }
            requireEnd(in);
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new NotAnObject("not valid JSON");
        }
    }

    private static boolean stamped(Optional<String> stamp, String field) {
        return stamp.isPresent() && stamp.get().equals(field);
    }

    /** Copies the value the parser is at, numbers as their text. */
    private static void copyValue(JsonParser in, JsonGenerator out) throws IOException {
        int depth = 0;
        do {
            JsonToken token = in.currentToken();
            switch (token) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                default -> { }
            }
            if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                out.writeNumber(in.getText());
            } else {
                out.copyCurrentEvent(in);
            }
        } while (depth > 0 && in.nextToken() != null);
    }

    /** One value per event: anything after it is not JSON the gateway can publish. */
    private static void requireEnd(JsonParser in) throws IOException, NotAnObject {
        if (in.nextToken() != null) {
            throw new NotAnObject("not valid JSON");
        }
    }
}
