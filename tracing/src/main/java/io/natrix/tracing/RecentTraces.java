package io.natrix.tracing;

import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last spans this process recorded, in memory: an exporter that needs no collector. A ring of
 * {@code capacity} fixed-size slots in one array allocated up front, each span written into the next slot as it
 * ends (the oldest overwritten first, so a stream that lives for hours cannot fill the heap) and read back only
 * by the rare trace queries.
 *
 * <p>Why bytes and not the spans themselves: a ring of span objects keeps each one for as long as the ring takes
 * to turn over, seconds under load, long enough for the collector to copy it out of the young generation and
 * promote it, only for it to die in the old one. In the fleet benchmark at 16,000 drivers that churn stopped
 * dispatch and the ETA estimators for 300 to 750 ms per young collection (BENCHMARKS.md, step 11). Here a span
 * leaves nothing behind but the bytes it overwrote.
 *
 * <p>Writers never wait: a slot is claimed with one atomic increment and versioned (odd while written), a
 * reader copies a slot and keeps it only if its version did not move meanwhile. Text that does not fit a
 * slot is cut at a character boundary.
 */
final class RecentTraces implements SpanExporter {

    /** Bytes per span: the ids, times and code, then the texts, each with its length. */
    static final int SLOT = 512;
    private static final int TEXTS = 52; // 2 longs trace id, span id, parent, start, duration (8 each), code (4)
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private static final HexFormat HEX = HexFormat.of();

    private final byte[] slots;
    private final AtomicLongArray versions; // 0: never written; odd: being written
    private final AtomicLong written = new AtomicLong();
    private final String processService;

    RecentTraces(int capacity, String processService) {
        this.slots = new byte[Math.multiplyExact(capacity, SLOT)];
        this.versions = new AtomicLongArray(capacity);
        this.processService = processService;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        for (SpanData span : spans) {
            write(span);
        }
        return CompletableResultCode.ofSuccess();
    }

    private void write(SpanData span) {
        int slot = (int) (written.getAndIncrement() % versions.length());
        long version = versions.get(slot);
        if ((version & 1) == 1 || !versions.compareAndSet(slot, version, version + 1)) {
            return; // the ring wrapped around within another span's write: the older one is dropped
        }
        int at = slot * SLOT;
        String traceId = span.getTraceId();
        LONGS.set(slots, at, HexFormat.fromHexDigitsToLong(traceId, 0, 16));
        LONGS.set(slots, at + 8, HexFormat.fromHexDigitsToLong(traceId, 16, 32));
        LONGS.set(slots, at + 16, HexFormat.fromHexDigitsToLong(span.getSpanId()));
        String parent = span.getParentSpanId();
        LONGS.set(slots, at + 24, SpanId.isValid(parent) ? HexFormat.fromHexDigitsToLong(parent) : 0L);
        long start = TimeUnit.NANOSECONDS.toMicros(span.getStartEpochNanos());
        LONGS.set(slots, at + 32, start);
        LONGS.set(slots, at + 40, TimeUnit.NANOSECONDS.toMicros(span.getEndEpochNanos()) - start);
        Long code = span.getAttributes().get(HopTracer.CODE);
        INTS.set(slots, at + 48, code == null ? 0 : code.intValue());
        int end = at + SLOT;
        int next = at + TEXTS;
        next = text(span.getAttributes().get(HopTracer.HOP), next, end);
        next = text(span.getAttributes().get(HopTracer.SERVICE), next, end);
        next = text(span.getAttributes().get(HopTracer.INSTANCE), next, end);
        next = text(span.getStatus().getStatusCode() == StatusCode.ERROR ? span.getStatus().getDescription() : "", next, end);
        next = text(span.getName(), next, end);
        next = text(span.getAttributes().get(HopTracer.SUBJECT), next, end);
        List<EventData> events = span.getEvents();
        int notes = Math.min(events.size(), 255);
        if (next < end) {
            slots[next++] = (byte) notes;
            for (int i = 0; i < notes; i++) {
                next = text(events.get(i).getName(), next, end);
            }
        }
        versions.set(slot, version + 2);
    }

    /**
     * Writes {@code value} (null: empty) with a two-byte length at {@code at}, cut to end before {@code end}; an
     * ASCII text (subjects, services, instances: nearly all) is copied as it is read, without encoding it first.
     */
    private int text(String value, int at, int end) {
        if (at + 2 > end) {
            return end;
        }
        String text = value == null ? "" : value;
        int room = end - at - 2;
        int ascii = 0;
        for (; ascii < text.length() && ascii < room; ascii++) {
            char c = text.charAt(ascii);
            if (c >= 0x80) {
                return utf8(text, at, end);
            }
            slots[at + 2 + ascii] = (byte) c;
        }
        slots[at] = (byte) (ascii >>> 8);
        slots[at + 1] = (byte) ascii;
        return at + 2 + ascii;
    }

    private int utf8(String text, int at, int end) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, end - at - 2);
        while (length < bytes.length && length > 0 && (bytes[length] & 0xC0) == 0x80) {
            length--; // not inside a character
        }
        slots[at] = (byte) (length >>> 8);
        slots[at + 1] = (byte) length;
        System.arraycopy(bytes, 0, slots, at + 2, length);
        return at + 2 + length;
    }

    /** The spans of one trace this process holds, in start order; empty if it holds none. */
    List<SpanRecord> trace(String traceId) {
        if (!TraceId.isValid(traceId)) {
            return List.of();
        }
        long high = HexFormat.fromHexDigitsToLong(traceId, 0, 16);
        long low = HexFormat.fromHexDigitsToLong(traceId, 16, 32);
        List<SpanRecord> found = new ArrayList<>();
        byte[] copy = new byte[SLOT];
        for (int slot = 0; slot < versions.length(); slot++) {
            int at = slot * SLOT;
            if ((long) LONGS.get(slots, at) == high && (long) LONGS.get(slots, at + 8) == low && read(slot, copy)
                    && (long) LONGS.get(copy, 0) == high && (long) LONGS.get(copy, 8) == low) {
                found.add(record(copy));
            }
        }
        found.sort(Comparator.comparingLong(SpanRecord::startMicros));
        return found;
    }

    /** Every span the ring holds, in no order. */
    List<SpanRecord> spans() {
        List<SpanRecord> spans = new ArrayList<>();
        byte[] copy = new byte[SLOT];
        for (int slot = 0; slot < versions.length(); slot++) {
            if (read(slot, copy)) {
                spans.add(record(copy));
            }
        }
        return spans;
    }

    /** The traces whose spans ended last first, at most {@code limit}. */
    List<TraceSummary> summaries(int limit) {
        Map<String, List<SpanRecord>> byTrace = new HashMap<>();
        for (SpanRecord span : spans()) {
            byTrace.computeIfAbsent(span.traceId(), id -> new ArrayList<>(4)).add(span);
        }
        return byTrace.values().stream()
                .sorted(Comparator.comparingLong((List<SpanRecord> trace) ->
                        trace.stream().mapToLong(SpanRecord::endMicros).max().orElse(0)).reversed())
                .limit(limit)
                .map(Traces::summarize)
                .toList();
    }

    /** Copies a written slot into {@code copy}; false if it was never written or was being written meanwhile. */
    private boolean read(int slot, byte[] copy) {
        long before = versions.get(slot);
        if (before == 0 || (before & 1) == 1) {
            return false;
        }
        System.arraycopy(slots, slot * SLOT, copy, 0, SLOT);
        VarHandle.loadLoadFence(); // the copy is read before the version is read again
        return versions.get(slot) == before;
    }

    private SpanRecord record(byte[] slot) {
        String traceId = HEX.toHexDigits((long) LONGS.get(slot, 0)) + HEX.toHexDigits((long) LONGS.get(slot, 8));
        String spanId = HEX.toHexDigits((long) LONGS.get(slot, 16));
        long parent = (long) LONGS.get(slot, 24);
        long start = (long) LONGS.get(slot, 32);
        long duration = (long) LONGS.get(slot, 40);
        int code = (int) INTS.get(slot, 48);
        Texts texts = new Texts(slot, TEXTS);
        String hop = texts.next();
        String service = texts.next();
        String instance = texts.next();
        String error = texts.next();
        String name = texts.next();
        String subject = texts.next();
        List<String> notes = new ArrayList<>();
        int count = texts.at < SLOT ? slot[texts.at++] & 0xFF : 0;
        for (int i = 0; i < count && texts.at < SLOT; i++) {
            notes.add(texts.next());
        }
        return new SpanRecord(traceId, spanId, parent == 0 ? "" : HEX.toHexDigits(parent), name, hop,
                service.isEmpty() ? processService : service, instance, subject, start, duration, code, error,
                List.copyOf(notes));
    }

    /** Reads the texts of a slot in the order they were written; past the slot's end each is empty. */
    private static final class Texts {
        private final byte[] slot;
        private int at;

        Texts(byte[] slot, int at) {
            this.slot = slot;
            this.at = at;
        }

        String next() {
            if (at + 2 > SLOT) {
                at = SLOT;
                return "";
            }
            int length = ((slot[at] & 0xFF) << 8) | (slot[at + 1] & 0xFF);
            String text = new String(slot, at + 2, length, StandardCharsets.UTF_8);
            at += 2 + length;
            return text;
        }
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
