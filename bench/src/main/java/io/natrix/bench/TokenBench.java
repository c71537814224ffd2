package io.natrix.bench;

import io.natrix.Actor;
import io.natrix.gateway.TokenIssuer;
import io.natrix.gateway.TokenVerifier;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./natrix bench tokens [N]}: what a bearer token costs, in a fresh JVM each way: minting N tokens (the
 * users service at sign-up), verifying each once (a gateway's first sight of it) and again (the cache), in a JVM
 * with only the C1 compiler (as the demo's service JVMs run) and in a default one.
 */
final class TokenBench {

    private TokenBench() {
    }

    static void run(List<String> args) throws Exception {
        int tokens = args.isEmpty() ? 1_200 : Integer.parseInt(args.getFirst());
        System.out.printf("natrix bench tokens: %,d ES256 tokens per JVM, 3 fresh JVMs each way, the median JVM by first verification%n%n", tokens);
        System.out.println("| JVM | mint ms/token | first verification ms/token | cached ms/token |");
        System.out.println("|---|---:|---:|---:|");
        for (List<String> flags : List.of(List.of("-XX:TieredStopAtLevel=1"), List.<String>of())) {
            List<double[]> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
                command.addAll(flags);
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), TokenBench.class.getName(), Integer.toString(tokens)));
                Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
                String out = new String(child.getInputStream().readAllBytes()).strip();
                if (child.waitFor() != 0) {
                    throw new IllegalStateException("the measuring JVM failed: " + out);
                }
                String[] last = out.lines().reduce((a, b) -> b).orElseThrow().split(" ");
                runs.add(new double[]{Double.parseDouble(last[0]), Double.parseDouble(last[1]), Double.parseDouble(last[2])});
            }
            runs.sort((a, b) -> Double.compare(a[1], b[1]));
            double[] median = runs.get(1);
            System.out.printf("| %s | %.3f | %.3f | %.4f |%n", flags.isEmpty() ? "default (C1 and C2)" : String.join(" ", flags),
                    median[0], median[1], median[2]);
        }
    }

    /** One measuring JVM: prints "mint first cached" in milliseconds per token on its last line. */
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        RunTokens tokens = RunTokens.make();
        TokenIssuer issuer = tokens.issuer();
        TokenVerifier verifier = tokens.verifier();
        Method verify = TokenVerifier.class.getDeclaredMethod("verify", String.class); // package-private: a gateway's own
        verify.setAccessible(true);
        String[] minted = new String[n];
        long started = System.nanoTime();
        for (int i = 0; i < n; i++) {
            minted[i] = issuer.issue(new Actor("RIDER", "r" + i), Duration.ofHours(1)).value();
        }
        long mintedAt = System.nanoTime();
        for (String token : minted) {
            verify.invoke(verifier, token);
        }
        long verifiedAt = System.nanoTime();
        for (String token : minted) {
            verify.invoke(verifier, token);
        }
        long cachedAt = System.nanoTime();
        System.out.printf("%.4f %.4f %.5f%n", (mintedAt - started) / 1e6 / n, (verifiedAt - mintedAt) / 1e6 / n, (cachedAt - verifiedAt) / 1e6 / n);
    }
}
