package io.natrix;

import io.nats.client.impl.Headers;
import io.nats.client.support.ByteArrayBuilder;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A message's headers as the core connection read them: kept as the bytes that came ({@code Name: value} lines
 * after the status line) and searched when asked, so that a request or an event whose few headers natrix
 * reads by name costs one array, not jnats's maps and lists of every header (a quarter of what a round trip
 * allocated). Anything else asked of them (iteration, changes) parses them into the jnats {@link Headers} they
 * extend first, so they behave as jnats's own. Keys match exactly, as jnats's {@code getFirst} does.
 */
final class ReceivedHeaders extends Headers {

    private final byte[] block;
    private final int linesStart;
    private boolean parsed;

    /** {@code block}: the header section as sent, from {@code NATS/1.0} to the blank line. */
    ReceivedHeaders(byte[] block) {
        this.block = block;
        int lineEnd = indexOfCrlf(block, 0);
        this.linesStart = lineEnd < 0 ? block.length : lineEnd + 2;
    }

    @Override
    public String getFirst(String key) {
        if (parsed) {
            return super.getFirst(key);
        }
        for (int at = linesStart; at < block.length; ) {
            int end = indexOfCrlf(block, at);
            if (end <= at) {
                return null;
            }
            if (nameIs(key, at, end)) {
                return new String(block, at + key.length() + 1, end - at - key.length() - 1, StandardCharsets.UTF_8).strip();
            }
            at = end + 2;
        }
        return null;
    }

    @Override
    public boolean containsKey(String key) {
        return parsed ? super.containsKey(key) : getFirst(key) != null;
    }

    @Override
    public boolean isEmpty() {
        return parsed ? super.isEmpty() : linesStart >= block.length || indexOfCrlf(block, linesStart) == linesStart;
    }

    /** Whether the line at {@code [at, end)} is {@code key:...}. */
    private boolean nameIs(String key, int at, int end) {
        int length = key.length();
        if (at + length >= end || block[at + length] != ':') {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (block[at + i] != key.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Parses every line into jnats's maps, once: from then on this is jnats's {@link Headers}. */
    private void parse() {
        if (parsed) {
            return;
        }
        parsed = true;
        for (int at = linesStart; at < block.length; ) {
            int end = indexOfCrlf(block, at);
            if (end <= at) {
                return;
            }
            int colon = at;
            while (colon < end && block[colon] != ':') {
                colon++;
            }
            if (colon < end) {
                super.add(new String(block, at, colon - at, StandardCharsets.US_ASCII),
                        new String(block, colon + 1, end - colon - 1, StandardCharsets.UTF_8).strip());
            }
            at = end + 2;
        }
    }

    private static int indexOfCrlf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length - 1; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    // everything else: as jnats's own, once parsed

    @Override
    public Headers add(String key, String... values) {
        parse();
        return super.add(key, values);
    }

    @Override
    public Headers add(String key, Collection<String> values) {
        parse();
        return super.add(key, values);
    }

    @Override
    public Headers put(String key, String... values) {
        parse();
        return super.put(key, values);
    }

    @Override
    public Headers put(String key, Collection<String> values) {
        parse();
        return super.put(key, values);
    }

    @Override
    public Headers put(Map<String, List<String>> map) {
        parse();
        return super.put(map);
    }

    @Override
    public void remove(String... keys) {
        parse();
        super.remove(keys);
    }

    @Override
    public void remove(Collection<String> keys) {
        parse();
        super.remove(keys);
    }

    @Override
    public int size() {
        parse();
        return super.size();
    }

    @Override
    public void clear() {
        parse();
        super.clear();
    }

    @Override
    public boolean containsKeyIgnoreCase(String key) {
        parse();
        return super.containsKeyIgnoreCase(key);
    }

    @Override
    public Set<String> keySet() {
        parse();
        return super.keySet();
    }

    @Override
    public Set<String> keySetIgnoreCase() {
        parse();
        return super.keySetIgnoreCase();
    }

    @Override
    public List<String> get(String key) {
        parse();
        return super.get(key);
    }

    @Override
    public String getLast(String key) {
        parse();
        return super.getLast(key);
    }

    @Override
    public List<String> getIgnoreCase(String key) {
        parse();
        return super.getIgnoreCase(key);
    }

    @Override
    public void forEach(BiConsumer<String, List<String>> action) {
        parse();
        super.forEach(action);
    }

    @Override
    public Set<Map.Entry<String, List<String>>> entrySet() {
        parse();
        return super.entrySet();
    }

    @Override
    public Map<String, List<String>> toMap() {
        parse();
        return super.toMap();
    }

    @Override
    public boolean isDirty() {
        parse();
        return super.isDirty();
    }

    @Override
    public int serializedLength() {
        parse();
        return super.serializedLength();
    }

    @Override
    public byte[] getSerialized() {
        parse();
        return super.getSerialized();
    }

    @Override
    public ByteArrayBuilder appendSerialized(ByteArrayBuilder bab) {
        parse();
        return super.appendSerialized(bab);
    }

    @Override
    public int serializeToArray(int destPosition, byte[] dest) {
        parse();
        return super.serializeToArray(destPosition, dest);
    }

    @Override
    public boolean equals(Object other) {
        parse();
        return super.equals(other);
    }

    @Override
    public int hashCode() {
        parse();
        return super.hashCode();
    }

    @Override
    public String toString() {
        parse();
        return super.toString();
    }
}
