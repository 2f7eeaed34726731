package org.jqmail.qread;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The NUL-terminated records of a queue file (info: {@code F}sender; local and remote: {@code T}addr or
 * {@code D}addr), read with a bound: a record longer than {@link #MAX_RECORD} bytes is cut there and the
 * rest of it skipped, so a corrupt file of gigabytes without a NUL costs no memory.
 */
final class Records {
    /** Far above any address qmail-queue accepts; only a damaged file comes near it. */
    static final int MAX_RECORD = 64 * 1024;

    private final InputStream in;
    private final byte[] buf = new byte[4096];
    private int pos;
    private int len;
    private boolean eof;

    Records(InputStream in) {
        this.in = in;
    }

    /**
     * The next record without its NUL; {@code null} at end of file. A last record without its NUL is
     * returned only if {@code partialOk}: qmail-qread prints the sender of a truncated info file, but
     * ignores an unterminated recipient (getln's {@code !match}).
     */
    byte[] next(boolean partialOk) throws IOException {
        ByteArrayOutputStream record = new ByteArrayOutputStream(64);
        boolean any = false;
        for (;;) {
            if (pos == len) {
                if (eof || !fill()) return any && partialOk ? record.toByteArray() : null;
            }
            any = true;
            int start = pos;
            while (pos < len && buf[pos] != 0) pos++;
            int room = MAX_RECORD - record.size();
            record.write(buf, start, Math.min(pos - start, Math.max(room, 0)));
            if (pos < len) {
                pos++; // the NUL
                return record.toByteArray();
            }
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buf);
        if (n <= 0) {
            eof = true;
            return false;
        }
        pos = 0;
        len = n;
        return true;
    }
}
