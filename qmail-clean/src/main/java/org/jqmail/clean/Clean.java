package org.jqmail.clean;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.jqmail.common.QueueLayout;

/**
 * qmail-clean's protocol (qmail-clean(8), qmail-clean.c). Requests on fd 0, each a NUL-terminated
 * string; one answer byte each on fd 1:
 * <ul>
 * <li>{@code foop/N} removes intd/N and mess/S/N (a finished message);
 * <li>{@code todo/N} removes intd/N and todo/N (a preprocessed message);
 * <li>answer {@code +} when both are gone (a file already missing counts as gone), {@code !} when an
 *     unlink failed, {@code x} for anything else: shorter than 6 or longer than 99 bytes, another prefix,
 *     no digits, a non-digit, a number too big.
 * </ul>
 * Only names built here from a decimal number are ever unlinked, so a hostile request cannot reach
 * outside the queue ({@code todo/../../etc} is an {@code x}). A request longer than the limit is read
 * to its NUL without being kept, so it cannot make us buffer without bound. Unlike qmail-clean.c (whose
 * {@code continue} inside the digit loop answers {@code x} and then goes on to answer again), every
 * request gets exactly one answer. Before every 30th request, pid/ files whose atime is more than 36
 * hours old are removed (debris of a qmail-queue killed before it linked its message).
 */
final class Clean {
    static final int MIN = 6;
    static final int MAX = 99;
    static final long OSSIFIED = 129600;
    static final int CLEANUP_EVERY = 30;

    /** How a run ended; the exit code of qmail-clean. */
    static final int EOF = 0;
    static final int WRITE_FAILED = 100;

    private final QueueLayout queue;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[MAX + 1];

    Clean(QueueLayout queue, InputStream in, OutputStream out) {
        this.queue = queue;
        this.in = in;
        this.out = out;
    }

    /** Serves requests until end of file (0) or an answer cannot be written (100). */
    int run() {
        int cleanupLoop = 0;
        for (;;) {
            if (cleanupLoop > 0) {
                cleanupLoop--;
            } else {
                cleanupPid(System.currentTimeMillis() / 1000);
                cleanupLoop = CLEANUP_EVERY;
            }
            int len;
            try {
                len = readRequest();
            } catch (IOException e) {
                return EOF;
            }
            if (len == -1) return EOF;
            byte answer = answer(len);
            try {
                out.write(answer);
                out.flush();
            } catch (IOException e) {
                return WRITE_FAILED;
            }
        }
    }

    /** Reads up to the NUL; the length kept in buf, MAX + 1 if longer than MAX, -1 at EOF (also mid-request). */
    private int readRequest() throws IOException {
        int n = 0;
        for (;;) {
            int c = in.read();
            if (c < 0) return -1;
            if (c == 0) return n;
            if (n <= MAX) buf[n] = (byte) c;
            if (n <= MAX) n++;
        }
    }

    /** The answer for the request in buf[0..len). */
    byte answer(int len) {
        if (len < MIN || len > MAX) return 'x';
        long id = 0;
        for (int i = 5; i < len; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) return 'x';
            if (id > (Long.MAX_VALUE - 9) / 10) return 'x';
            id = id * 10 + d;
        }
        Path second;
        if (prefix("foop/")) second = queue.mess(id);
        else if (prefix("todo/")) second = queue.todo(id);
        else return 'x';
        return unlink(queue.intd(id)) && unlink(second) ? (byte) '+' : (byte) '!';
    }

    private boolean prefix(String p) {
        for (int i = 0; i < p.length(); i++) if (buf[i] != p.charAt(i)) return false;
        return true;
    }

    private static boolean unlink(Path p) {
        try {
            Files.deleteIfExists(p);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** cleanuppid(): pid/ files not accessed for 36 hours. Errors are ignored; the next round retries. */
    void cleanupPid(long now) {
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(queue.pidDir())) {
            for (Path p : dir) {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (now < a.lastAccessTime().toMillis() / 1000 + OSSIFIED) continue;
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // gone already, or not ours to remove
                }
            }
        } catch (IOException | RuntimeException e) {
            // no pid/ directory: nothing to clean
        }
    }
}
