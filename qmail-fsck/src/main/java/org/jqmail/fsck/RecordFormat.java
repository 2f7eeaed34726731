package org.jqmail.fsck;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The formats of the queue's record files (qmail-send(8), INTERNALS), each record a type byte, the
 * address and a NUL:
 * <ul>
 * <li>info/S/N: exactly one record, {@code F}sender;
 * <li>local/S/N and remote/S/N: records {@code T}addr (to do) or {@code D}addr (done), possibly none;
 * <li>todo/N: {@code u}uid and {@code p}pid (qmail-queue's records of who queued it), then {@code F}sender,
 *     then {@code T}addr records.
 * </ul>
 * A last record without its NUL means a truncated file (qmail-send would stop reading there and lose the
 * rest); a record longer than {@link #MAX_RECORD} is refused by qmail-send's reader as corrupt. The file is
 * streamed, so a huge recipient list costs no memory.
 */
final class RecordFormat {
    /** qmail-send's record limit (org.jqmail.send.Records.MAX). */
    static final int MAX_RECORD = 4096;

    enum Kind { INFO, RECIPIENTS, TODO }

    private RecordFormat() {}

    /** Null if {@code p} is well formed, or what is wrong with it. */
    static String check(Path p, Kind kind) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(p), 64 * 1024)) {
            return check(in, kind);
        }
    }

    static String check(InputStream in, Kind kind) throws IOException {
        long records = 0;
        int stage = 0; // TODO: 0 before F (u, p allowed), 1 after F (T only)
        for (;;) {
            int type = in.read();
            if (type < 0) break;
            long offset = records;
            records++;
            int len = 1;
            int c;
            while ((c = in.read()) > 0) {
                if (++len > MAX_RECORD) return "record " + offset + " longer than " + MAX_RECORD + " bytes";
            }
            if (c < 0) return "truncated: record " + offset + " has no NUL";
            String bad = switch (kind) {
                case INFO -> records > 1 ? "more than one record" : type != 'F' ? "does not start with F" : null;
                case RECIPIENTS -> type == 'T' || type == 'D' ? null : "record " + offset + " is neither T nor D";
                case TODO -> {
                    if (stage == 0 && (type == 'u' || type == 'p')) yield null;
                    if (stage == 0 && type == 'F') {
                        stage = 1;
                        yield null;
                    }
                    yield stage == 1 && type == 'T' ? null : "record " + offset + " out of place";
                }
            };
            if (bad != null) return bad;
        }
        if (kind == Kind.INFO && records == 0) return "empty (no F record)";
        if (kind == Kind.TODO && stage == 0) return "no F record";
        return null;
    }
}
