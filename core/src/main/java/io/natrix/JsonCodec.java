package io.natrix;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Turns messages into bytes and back with Jackson. {@code byte[]} passes through untouched, which is how a
 * handler or a caller works with raw payloads.
 */
final class JsonCodec {

    private static final byte[] EMPTY = new byte[0];

    private final ObjectWriter writer;
    private final ObjectMapper mapper;
    private final ConcurrentHashMap<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

    JsonCodec(ObjectMapper mapper) {
        this.mapper = mapper;
        this.writer = mapper.writer();
    }

    /**
     * The default mapper: tolerant of unknown fields, so a contract can grow without breaking old callers.
     * Its buffers are recycled through a shared pool: Jackson's default keeps them in a thread-local, and
     * every request runs on a new virtual thread, so each one allocated its buffers afresh (measured: natrix
     * call with a JSON record at 0.4-0.55x of byte[] payloads at 1,024 callers; CodecOnVirtualThreadsBenchmark).
     * Numbers are read with Jackson's fast parser, which gives the same doubles as the JDK's: in a profile of the
     * ride system's dispatch the JDK's {@code parseDouble} was in 8 % of its Java samples (BENCHMARKS.md, issue 15).
     */
    static ObjectMapper defaultMapper() {
        return JsonMapper.builder(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                        .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .findAndAddModules()
                .build();
    }

    byte[] encode(Object value) {
        if (value instanceof byte[] raw) {
            return raw;
        }
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads {@code bytes} as {@code type}.
     *
     * @throws MalformedJsonException if the bytes are not valid JSON for that type
     */
    @SuppressWarnings("unchecked")
    <T> T decode(byte[] bytes, Class<T> type) {
        if (type == byte[].class) {
            return (T) (bytes == null ? EMPTY : bytes);
        }
        if (type == Void.class) {
            return null;
        }
        if (bytes == null || bytes.length == 0) {
            throw new MalformedJsonException("empty body where JSON for " + type.getSimpleName() + " was expected");
        }
        try {
            return readers.computeIfAbsent(type, mapper::readerFor).readValue(bytes);
        } catch (JsonProcessingException e) {
            throw new MalformedJsonException(problem(e, type));
        } catch (IOException e) {
            throw new MalformedJsonException("unreadable JSON for " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * What is wrong with a request, in words its sender can act on: the rule a record's constructor broke
     * (its {@link IllegalArgumentException}'s message, e.g. "lat must be a number from -90 to 90, got 200"), or
     * the field that could not be read and why.
     */
    static String problem(JsonProcessingException e, Class<?> type) {
        if (e instanceof ValueInstantiationException && e.getCause() instanceof IllegalArgumentException rule) {
            return "invalid " + type.getSimpleName() + ": " + rule.getMessage();
        }
        String field = e instanceof JsonMappingException mapping ? mapping.getPath().stream()
                .map(step -> step.getFieldName() != null ? step.getFieldName() : "[" + step.getIndex() + "]")
                .collect(Collectors.joining(".")) : "";
        return "malformed JSON for " + type.getSimpleName() + (field.isEmpty() ? "" : " at " + field) + ": "
                + e.getOriginalMessage();
    }

    ObjectMapper mapper() {
        return mapper;
    }

    /** The bytes were not JSON of the expected shape; the message is safe to send back to a caller. */
    static final class MalformedJsonException extends RuntimeException {
        MalformedJsonException(String message) {
            super(message, null, false, false);
        }
    }
}
