package io.natrix.bench;

import io.natrix.testkit.Folders;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM peers' heap and compiled code in the host's huge pages, asked for with {@code bench peers --huge-pages}:
 * each JVM peer gets {@code -XX:+UseLargePages} with a fixed heap ({@link #HEAP}; a heap in huge pages is taken
 * whole when the JVM starts) and logs the page size of each of its memory areas, and the bench checks that it got
 * them: a JVM that finds too few huge pages free says so only in that log and runs on 4 KiB pages, which would be
 * measured as if it had not. The huge pages are the host's to reserve ({@code sysctl -w vm.nr_hugepages=N}); the
 * bench changes no setting of the kernel.
 * <p>
 * Why: on this machine one caller's slow calls were longer in a JVM than in Go (BENCHMARKS.md, issue 15, goal 4);
 * with the heap and code in 2 MiB pages a call cost the requester a fifth less CPU and the p99 came nearer Go's, in most
 * runs, not all (docs/latency.md). Pages that are not on the kernel's LRU lists are out of reach of its page aging
 * (the host's {@code kdamond}), and 512 times fewer pages need as many fewer TLB entries (which of the two matters
 * here was not measured apart).
 */
final class HugePages {

    /** The heap of every JVM peer: fixed, as a heap in huge pages is reserved whole. */
    static final String HEAP = "512m";
    /** About what one JVM peer takes: its heap and its code cache (240 MB), in 2 MiB pages. */
    static final int PAGES_PER_JVM = 380;

    private static final Pattern HEAP_LINE = Pattern.compile("\\] Heap: .* page_size=(\\S+)");
    private static final Pattern MEMINFO = Pattern.compile("(?m)^(HugePages_Total|HugePages_Free|HugePages_Rsvd|Hugepagesize):\\s+(\\d+)");

    private final Path folder;

    private HugePages(Path folder) {
        this.folder = folder;
    }

    /**
     * A folder for the JVM peers' page-size logs, once the host has huge pages for at least one JVM peer; else
     * {@link IllegalArgumentException} with what to reserve.
     */
    static HugePages require() throws IOException {
        Meminfo host = Meminfo.read(Files.readString(Path.of("/proc/meminfo")));
        if (host.available() < PAGES_PER_JVM) { // said in one line, as a bad command line is: the run cannot be had here
            throw new IllegalArgumentException(host.missing());
        }
        return in(Files.createTempDirectory("natrix-peers-huge-pages"));
    }

    /** The page-size logs of JVM peers in {@code folder}. */
    static HugePages in(Path folder) {
        return new HugePages(folder);
    }

    /** A JVM peer's options: its heap and code in huge pages, the page size of each area logged in a file of its own. */
    List<String> jvmOptions() {
        return List.of("-XX:+UseLargePages", "-Xms" + HEAP, "-Xmx" + HEAP,
                "-Xlog:pagesize:file=" + folder.resolve("{peer}.log"));
    }

    /** Fails unless the JVM peer of this file name (see {@link PeersBench.Spawner#fileName}) has its heap in huge pages. */
    void check(String peerName) throws IOException {
        Path log = folder.resolve(PeersBench.Spawner.fileName(peerName) + ".log");
        String text = Files.exists(log) ? Files.readString(log) : "";
        Optional<String> pageSize = heapPageSize(text);
        if (pageSize.isEmpty() || pageSize.get().endsWith("K")) {
            Meminfo host = Meminfo.read(Files.readString(Path.of("/proc/meminfo")));
            throw new IllegalStateException(peerName + ": its heap is in " + pageSize.orElse("unknown") + " pages, not huge"
                    + " pages (" + log + "); " + host.missing());
        }
    }

    /** The page size a JVM's {@code -Xlog:pagesize} gives its heap ({@code 2M}, {@code 4K}), if it logged one. */
    static Optional<String> heapPageSize(String pagesizeLog) {
        Matcher heap = HEAP_LINE.matcher(pagesizeLog);
        String size = null;
        while (heap.find()) {
            size = heap.group(1); // the last word: a JVM that failed to reserve huge pages logs its fallback after
        }
        return Optional.ofNullable(size);
    }

    void delete() throws IOException {
        Folders.delete(folder);
    }

    /**
     * The host's huge pages, from {@code /proc/meminfo}: a page a running JVM reserved and has not touched yet
     * still counts as free, and as reserved.
     */
    record Meminfo(long total, long free, long reserved, long sizeKb) {

        static Meminfo read(String meminfo) {
            long total = 0;
            long free = 0;
            long reserved = 0;
            long size = 0;
            Matcher line = MEMINFO.matcher(meminfo);
            while (line.find()) {
                long value = Long.parseLong(line.group(2));
                switch (line.group(1)) {
                    case "HugePages_Total" -> total = value;
                    case "HugePages_Free" -> free = value;
                    case "HugePages_Rsvd" -> reserved = value;
                    default -> size = value;
                }
            }
            return new Meminfo(total, free, reserved, size);
        }

        /** The pages a JVM starting now can have. */
        long available() {
            return Math.max(0, free - reserved);
        }

        /** What to do when a JVM peer found too few: the host's figures and the command that reserves more. */
        String missing() {
            return String.format("--huge-pages needs about %d huge pages per JVM peer; the host has %d of %d it can still"
                            + " give (%d kB each): reserve them as root first, e.g. sysctl -w vm.nr_hugepages=1024 for"
                            + " the two JVM peers of one natrix pair", PAGES_PER_JVM, available(), total, sizeKb);
        }
    }
}
