package io.natrix.gateway;

import java.io.InputStream;
import java.util.SplittableRandom;

/** A deterministic stream of pseudo-random bytes of a given length, made as it is read. */
final class RandomBytes extends InputStream {

    private final SplittableRandom random;
    private long left;
    private final byte[] block = new byte[64 * 1024];
    private int position = block.length;

    RandomBytes(long length, long seed) {
        this.left = length;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (left == 0) {
            return -1;
        }
        if (position == block.length) {
            random.nextBytes(block);
            position = 0;
        }
        int n = (int) Math.min(Math.min(length, block.length - position), left);
        System.arraycopy(block, position, buffer, offset, n);
        position += n;
        left -= n;
        return n;
    }
}
