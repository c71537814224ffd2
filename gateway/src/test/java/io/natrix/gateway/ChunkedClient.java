package io.natrix.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A raw HTTP/1.1 client that streams a chunked request body, so a test controls every byte and its timing. */
final class ChunkedClient implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;

    ChunkedClient(int port, String path, String contentType) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
                + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    void chunk(byte[] bytes) throws IOException {
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    void line(String json) throws IOException {
        chunk((json + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Ends the body and reads the whole response (status line, headers and body) as text. */
    String finish() throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return response();
    }

    /** Reads whatever the server answers until it closes or the response is complete. */
    String response() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) > 0) {
            read.write(buffer, 0, n);
            String text = read.toString(StandardCharsets.UTF_8);
            if (text.contains("\r\n\r\n") && (text.endsWith("}") || text.endsWith("0\r\n\r\n"))) {
                break;
            }
        }
        return read.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
