package org.jqmail.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The client's bytes, buffered, read one at a time, with explicit limits. Before every read that may
 * wait for the client (the buffer is empty), the pending replies are flushed: this is qmail's saferead,
 * and it is what makes PIPELINING work: replies to a pipelined group of commands go out in one write
 * once the group is used up, and a client that waits for a reply always gets it.
 * <p>
 * Nothing here splits or joins lines: a command line that is too long is read to its end and thrown
 * away as a whole, so the tail of an over-long line can never be taken for a command.
 */
final class SmtpInput {
    /** One read from the client takes at most this much; qmail's buffer is 1024 bytes. */
    static final int BUFFER = 8192;

    /** What to do before a read that may wait: flush the replies. */
    interface BeforeWait {
        void run() throws IOException;
    }

    /** A command line as read: its bytes without the LF, or {@link #tooLong} if it passed the limit. */
    record Line(byte[] bytes, boolean tooLong) {}

    private InputStream in;
    private final BeforeWait beforeWait;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int len;

    SmtpInput(InputStream in, BeforeWait beforeWait) {
        this.in = in;
        this.beforeWait = beforeWait;
    }

    /** The next byte (0–255), or -1 when the client has closed the connection. */
    int read() throws IOException {
        if (pos == len && !fill()) return -1;
        return buf[pos++] & 0xff;
    }

    /**
     * Reads one line up to and including LF; returns its bytes without the LF. A line of more than
     * {@code max} bytes, its LF counted, is consumed to its LF and returned as {@code tooLong} with no
     * bytes. Returns
     * null at end of input (also in the middle of a line: an unfinished command is never run).
     */
    Line readLine(int max) throws IOException {
        byte[] line = new byte[Math.min(max, 256)];
        int n = 0;
        boolean tooLong = false;
        for (;;) {
            if (pos == len && !fill()) return null;
            // scan the buffer for LF in bulk rather than a call per byte
            int start = pos;
            while (pos < len && buf[pos] != '\n') pos++;
            int chunk = pos - start;
            if (!tooLong) {
                if (n + chunk + 1 > max) { // + 1: the LF, counted whether or not it has arrived yet
                    tooLong = true;
                } else {
                    if (n + chunk > line.length) {
                        line = Arrays.copyOf(line, Math.min(max, Math.max(line.length * 2, n + chunk)));
                    }
                    System.arraycopy(buf, start, line, n, chunk);
                    n += chunk;
                }
            }
            if (pos < len) { // at the LF
                pos++;
                return tooLong ? new Line(new byte[0], true) : new Line(Arrays.copyOf(line, n), false);
            }
        }
    }

    /**
     * True when the client has sent bytes we have not read yet, as far as can be known without
     * waiting: bytes in our buffer, or bytes the kernel holds for us.
     */
    boolean pending() throws IOException {
        return pos < len || in.available() > 0;
    }

    /**
     * From now on read {@code next} (the TLS session); everything still buffered from the old stream
     * is thrown away: a command pipelined behind STARTTLS was sent in plaintext, before the
     * handshake, and must never run as if it came through TLS (CVE-2011-0411).
     */
    void switchTo(InputStream next) {
        in = next;
        pos = 0;
        len = 0;
    }

    /** The raw stream, for the TLS handshake to read from once the buffer is dropped. */
    InputStream stream() {
        return in;
    }

    private boolean fill() throws IOException {
        beforeWait.run();
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) return false;
        pos = 0;
        len = n;
        return true;
    }
}
