package org.jqmail.smtpd;

import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * A client's bytes as the network may deliver them: in one piece, a byte per read, or in short reads of
 * random sizes (1 to 17 bytes, from a seed, so a failing input replays the same way). It counts what was
 * read, so a test can tell which input a reply was written after.
 */
final class ShortReads extends InputStream {
    private final byte[] data;
    private final SplittableRandom sizes;
    private final int fixed;
    private int pos;

    private ShortReads(byte[] data, SplittableRandom sizes, int fixed) {
        this.data = data;
        this.sizes = sizes;
        this.fixed = fixed;
    }

    /** Everything a read asks for. */
    static ShortReads whole(byte[] data) {
        return new ShortReads(data, null, Integer.MAX_VALUE);
    }

    /** One byte per read: every buffered reply is flushed before the next byte is taken. */
    static ShortReads bytewise(byte[] data) {
        return new ShortReads(data, null, 1);
    }

    static ShortReads random(byte[] data, long seed) {
        return new ShortReads(data, new SplittableRandom(seed), 0);
    }

    /** How many bytes have been read so far. */
    int position() {
        return pos;
    }

    @Override
    public int read() {
        return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) return 0;
        if (pos == data.length) return -1;
        int n = sizes != null ? sizes.nextInt(1, 18) : fixed;
        n = Math.min(n, Math.min(len, data.length - pos));
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
    }

    /** All of the rest has "arrived": a pipelining client sent it at once. */
    @Override
    public int available() {
        return data.length - pos;
    }
}
