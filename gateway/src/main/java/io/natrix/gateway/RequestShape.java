package io.natrix.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import java.io.IOException;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The type a route's request must decode to ({@link Route#accepts}, {@link StreamRoute#accepts}), checked at
 * the edge so that a request the service would refuse never costs it a call, a timeout or a breaker's verdict.
 * What is wrong is said in the client's terms: the field, the rule, the value given; never a Java type.
 */
final class RequestShape {

    private static final RequestShape ANY = new RequestShape(Optional.empty());

    private final Optional<ObjectReader> reader;

    private RequestShape(Optional<ObjectReader> reader) {
        this.reader = reader;
    }

    static RequestShape of(ObjectMapper json, Optional<Class<?>> type) {
        return type.map(t -> new RequestShape(Optional.of(json.readerFor(t)
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)))).orElse(ANY);
    }

    /** What is wrong with {@code request}, or empty when it decodes (or the route accepts any object). */
    Optional<String> problem(JsonNode request) {
        return problem(type -> type.treeToValue(request, type.getValueType().getRawClass()));
    }

    /** What is wrong with {@code request}, one JSON object written compactly, or empty when it decodes. */
    Optional<String> problem(byte[] request) {
        return problem(type -> type.readValue(request));
    }

    private interface Decoding {
        void decode(ObjectReader type) throws IOException;
    }

    private Optional<String> problem(Decoding decoding) {
        if (reader.isEmpty()) {
            return Optional.empty();
        }
        try {
            decoding.decode(reader.get());
            return Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.of(words(e));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** @throws HttpProblem 400 with what is wrong, when something is */
    void require(JsonNode request) {
        problem(request).ifPresent(problem -> {
            throw new HttpProblem(400, problem);
        });
    }

    private static String words(JsonProcessingException e) {
        if (e instanceof ValueInstantiationException && e.getCause() instanceof IllegalArgumentException rule) {
            return rule.getMessage(); // the record's own rule: "lat must be a number from -90 to 90, got 200"
        }
        String field = e instanceof JsonMappingException mapping ? mapping.getPath().stream()
                .map(step -> step.getFieldName() != null ? step.getFieldName() : "[" + step.getIndex() + "]")
                .collect(Collectors.joining(".")) : "";
        if (e instanceof InvalidFormatException format) {
            return field + " must be " + kind(format.getTargetType()) + ", got " + format.getValue();
        }
        return (field.isEmpty() ? "" : field + ": ") + e.getOriginalMessage();
    }

    private static String kind(Class<?> type) {
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "a " + type.getSimpleName();
    }
}
