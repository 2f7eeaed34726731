package org.jqmail.lspawn;

import org.jqmail.spawn.Spawner;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A child's output, kept for its report with qmail-lspawn's limit (spawn.c, truncreport = 3000): output
 * longer than the limit becomes its first {@code limit - 34} bytes followed by
 * {@code "\nError report too long, sorry.\n"}, so the report never exceeds the limit. Whatever the
 * child writes after that is read and thrown away (the child must still reach end of file).
 */
final class CappedOutput implements Spawner.Output {
    static final int QMAIL_LSPAWN_LIMIT = 3000;
    static final String NOTE = "\nError report too long, sorry.\n";

    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private boolean truncated;

    CappedOutput(int limit) {
        if (limit <= NOTE.length() + 3) throw new IllegalArgumentException("limit " + limit);
        this.limit = limit;
    }

    @Override
    public void append(byte[] buf, int n) {
        if (truncated) return;
        int room = limit + 1 - kept.size();
        kept.write(buf, 0, Math.min(n, room));
        if (kept.size() > limit) {
            // spawn.c: output.len = truncreport - strlen(truncmess) - 3, then the note.
            byte[] head = kept.toByteArray();
            kept.reset();
            kept.write(head, 0, limit - NOTE.length() - 3);
            kept.writeBytes(NOTE.getBytes(StandardCharsets.US_ASCII));
            truncated = true;
        }
    }

    byte[] bytes() {
        return kept.toByteArray();
    }

    boolean truncated() {
        return truncated;
    }
}
