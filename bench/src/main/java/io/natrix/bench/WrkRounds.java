package io.natrix.bench;

import java.util.function.IntConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * wrk against several named URLs at several connection counts, in rounds that rotate which URL goes first,
 * and the table of medians: the shape every HTTP benchmark here shares.
 */
final class WrkRounds {

    static final int[] CONNECTIONS = {16, 256};

    private final Map<String, String> urls;
    private final Map<String, List<Wrk.Result>> results = new LinkedHashMap<>();

    private WrkRounds(Map<String, String> urls) {
        this.urls = urls;
    }

    /** Warms every URL up, then runs the rounds; progress goes to stderr. */
    static WrkRounds run(Map<String, String> urls, int rounds, Duration duration) throws Exception {
        return run(urls, Map.of(), rounds, duration);
    }

    /** As {@link #run(Map, int, Duration)}, the named cells' requests with their headers ({@code "Name: value"}). */
    static WrkRounds run(Map<String, String> urls, Map<String, List<String>> headers, int rounds, Duration duration) throws Exception {
        WrkRounds matrix = new WrkRounds(urls);
        for (Map.Entry<String, String> url : urls.entrySet()) {
            Wrk.run(url.getValue(), headers.getOrDefault(url.getKey(), List.of()), 16, Duration.ofSeconds(2));
        }
        for (int round = 0; round < rounds; round++) {
            for (int connections : CONNECTIONS) {
                List<String> names = new ArrayList<>(urls.keySet());
                Collections.rotate(names, round);
                for (String name : names) {
                    Wrk.Result r = Wrk.run(urls.get(name), headers.getOrDefault(name, List.of()), connections, duration);
                    matrix.results.computeIfAbsent(name + "@" + connections, k -> new ArrayList<>()).add(r);
                    System.err.printf("  round %d %-34s %4d conns %,10.0f req/s p99 %.2f ms%n", round + 1, name,
                            connections, r.perSecond(), r.p99Millis());
                }
            }
        }
        return matrix;
    }

    /** The median round of one cell, by throughput (an odd number of rounds: a round as measured). */
    Wrk.Result median(String name, int connections) {
        return Rounds.median(results.get(name + "@" + connections), Wrk.Result::perSecond);
    }

    /**
     * {@code a}'s median throughput over {@code b}'s, as {@code 1.23×}; or why there is none: a cell with a non-2xx
     * answer or a socket error in any round counts errors as throughput, and is not compared.
     */
    String ratio(String a, String b, int connections) {
        for (String name : List.of(a, b)) {
            if (results.get(name + "@" + connections).stream().anyMatch(r -> r.non2xx() > 0 || r.socketErrors() > 0)) {
                return "not compared: " + name + " had errors";
            }
        }
        return String.format("%.2f×", median(a, connections).perSecond() / median(b, connections).perSecond());
    }

    /** Prints the Markdown table of medians; {@code afterEachCount} may add rows per connection count. */
    void print(String firstColumn, IntConsumer afterEachCount) {
        System.out.println();
        System.out.println("(the median round; wrk's latencies are its own, closed loop, not corrected for coordinated omission)");
        System.out.println();
        System.out.println("| " + firstColumn + " | connections | req/s | req/s over rounds | p50 ms | p99 ms | non-2xx | socket errors |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (int connections : CONNECTIONS) {
            for (String name : urls.keySet()) {
                Wrk.Result r = median(name, connections);
                System.out.printf("| %s | %d | %,.0f | %s | %.2f | %.2f | %d | %d |%n", name, connections, r.perSecond(),
                        Rounds.range(results.get(name + "@" + connections), Wrk.Result::perSecond, "%,.0f"),
                        r.p50Millis(), r.p99Millis(), r.non2xx(), r.socketErrors());
            }
            afterEachCount.accept(connections);
        }
    }
}
