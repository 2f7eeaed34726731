package org.jqmail.rspawn;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import org.jqmail.spawn.Spawner;

/**
 * qmail-remote's output as it is read from the child's pipe, or written by an in-process delivery.
 * qmail-rspawn does not cut reports (qmail-send caps what it keeps at 10000 bytes), but nothing a
 * delivery produces may grow without limit: past {@value #LIMIT} bytes the rest is dropped.
 * qmail-remote's own output is far smaller (a few kilobytes per recipient).
 */
final class BoundedOutput extends OutputStream implements Spawner.Output {
    static final int LIMIT = 1024 * 1024;

    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    @Override
    public void append(byte[] buf, int n) {
        write(buf, 0, n);
    }

    @Override
    public void write(int b) {
        if (kept.size() < LIMIT) kept.write(b);
    }

    @Override
    public void write(byte[] buf, int off, int n) {
        int room = LIMIT - kept.size();
        if (room > 0) kept.write(buf, off, Math.min(n, room));
    }

    byte[] bytes() {
        return kept.toByteArray();
    }
}
