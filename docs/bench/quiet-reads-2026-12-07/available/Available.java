import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;

/** What one InputStream.available() on a connected plain socket costs: median of 21 batches of 200,000 calls. */
public class Available {
    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(0);
             Socket client = new Socket("127.0.0.1", server.getLocalPort());
             Socket accepted = server.accept()) {
            InputStream in = accepted.getInputStream();
            long[] nanos = new long[21];
            long sink = 0;
            for (int b = 0; b < nanos.length; b++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < 200_000; i++) {
                    sink += in.available();
                }
                nanos[b] = (System.nanoTime() - t0) / 200_000;
            }
            java.util.Arrays.sort(nanos);
            System.out.println("available(): median " + nanos[10] + " ns a call, range " + nanos[0] + "-" + nanos[20] + " (sink " + sink + ")");
        }
    }
}
