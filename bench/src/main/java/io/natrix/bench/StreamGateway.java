package io.natrix.bench;

import io.natrix.Natrix;
import io.natrix.gateway.Gateway;
import io.natrix.gateway.StreamRoute;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The gateway process of {@link StreamsBench}: one subscription stream route; answers "stats" on stdin with
 * its heap after a GC, its resident memory and its platform threads; stops at stdin's end.
 */
public final class StreamGateway {

    public static void main(String[] args) throws Exception {
        try (Natrix natrix = Natrix.builder().servers(args[0]).connectionName("stream-gateway").shutdownHook(false).connect();
             Gateway gateway = Gateway.builder(natrix).port(0).maxStreams(Integer.parseInt(args[1]) + 100)
                     .stream(StreamRoute.subscribe("/v1/riders/{riderId}/updates", "ms.riders.{riderId}.updates"))
                     .start()) {
            System.out.println("ready " + gateway.port());
            System.out.flush();
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String command = commands.readLine(); command != null; command = commands.readLine()) {
                if (command.equals("stats")) {
                    System.gc();
                    Thread.sleep(200);
                    System.gc();
                    long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
                    System.out.println("stats " + heap + " " + rssBytes() + " "
                            + ManagementFactory.getThreadMXBean().getThreadCount());
                    System.out.flush();
                }
            }
        }
    }

    private static long rssBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
