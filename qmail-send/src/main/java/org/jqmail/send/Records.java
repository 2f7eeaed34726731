package org.jqmail.send;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the NUL-terminated records of a queue file (todo/N, local/S/N, remote/S/N, info/S/N): a type
 * byte and a value, as qmail's getln(..., '\0'). A last record without its NUL is not a record (qmail
 * sees it as end of file too). A record longer than {@link #MAX} is an error, not something to buffer:
 * qmail-queue never writes an address of 1003 bytes or more, and a virtualdomains prepend adds little.
 */
final class Records {
    static final int MAX = 4096;

    /** A record longer than {@link #MAX}: the file is corrupt. */
    static final class TooLong extends IOException {
        TooLong() {
            super("record longer than " + MAX + " bytes");
        }
    }

    private final InputStream in;
    private final byte[] buf = new byte[MAX];
    private int length;

    /** {@code in} should be buffered. */
    Records(InputStream in) {
        this.in = in;
    }

    /** Reads the next record; false at end of file. Then {@link #type}, {@link #value}, {@link #length}. */
    boolean next() throws IOException {
        int n = 0;
        for (;;) {
            int c = in.read();
            if (c < 0) return false;
            if (c == 0) {
                if (n == 0) {
                    // an empty record: qmail's getln returns it as a line with type NUL
                    buf[0] = 0;
                    length = 0;
                    return true;
                }
                length = n;
                return true;
            }
            if (n == MAX) throw new TooLong();
            buf[n++] = (byte) c;
        }
    }

    /** The type byte; 0 for an empty record. */
    int type() {
        return length == 0 ? 0 : buf[0] & 0xff;
    }

    /** The value after the type byte, as ISO-8859-1 (byte for byte). */
    String value() {
        return length <= 1 ? "" : new String(buf, 1, length - 1, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The record's size in the file, NUL included: how far the next record starts. */
    int size() {
        return length + 1;
    }

    /** The record's bytes (type and value, no NUL). */
    byte[] bytes() {
        return java.util.Arrays.copyOf(buf, length);
    }
}
