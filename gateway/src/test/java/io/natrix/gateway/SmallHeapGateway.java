package io.natrix.gateway;

import io.natrix.Natrix;

/** A gateway process for {@link BigUploadTest}: started with a small heap, prints its port, stops on stdin EOF. */
public final class SmallHeapGateway {

    public static void main(String[] args) throws Exception {
        try (Natrix natrix = Natrix.builder().servers(args[0])
                .credentials(java.nio.file.Path.of(args[1])).trust(java.nio.file.Path.of(args[2])).shutdownHook(false).connect();
             Gateway gateway = Gateway.builder(natrix).port(0).uploads("/v1/uploads/{bucket}/{name}", "big").start()) {
            System.out.println("port " + gateway.port() + " maxHeap " + Runtime.getRuntime().maxMemory());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the test to close our stdin
            }
        }
    }
}
