package org.jqmail.rspawn;

import java.io.ByteArrayOutputStream;
import org.jqmail.spawn.Spawner;

/**
 * qmail-remote's output as it is read. qmail-rspawn does not cut reports (qmail-send caps what it keeps
 * at 10000 bytes), but nothing read from a child may grow without limit: past {@value #LIMIT} bytes the
 * rest is read and dropped. qmail-remote's own output is far smaller (a few kilobytes per recipient).
 */
final class BoundedOutput implements Spawner.Output {
    static final int LIMIT = 1024 * 1024;

    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    @Override
    public void append(byte[] buf, int n) {
        int room = LIMIT - kept.size();
        if (room > 0) kept.write(buf, 0, Math.min(n, room));
    }

    byte[] bytes() {
        return kept.toByteArray();
    }
}
