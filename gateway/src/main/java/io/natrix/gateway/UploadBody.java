package io.natrix.gateway;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The request body as the object store reads it: every read fills the whole buffer (so a slow socket does not
 * turn into thousands of tiny chunks), any failure is an {@link IOException} (so the object store purges the
 * chunks written so far), and a body over the limit fails as too large.
 */
final class UploadBody extends FilterInputStream {

    private final long limit;
    private long read;
    private boolean tooLarge;

    UploadBody(InputStream body, long limit) {
        super(body);
        this.limit = limit;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n;
        try {
            n = in.readNBytes(buffer, offset, length);
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException("the upload stopped arriving: " + e, e);
        }
        if (n == 0 && length > 0) {
            return -1;
        }
        read += n;
        if (read > limit) {
            tooLarge = true;
            throw new IOException("the upload is over " + limit + " bytes");
        }
        return n;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    boolean tooLarge() {
        return tooLarge;
    }
}
