package org.jqmail.smtpd;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Replies to the client, buffered until {@link #flush()}: qmail's ssout (512 bytes). They are flushed
 * before every read that may wait (see {@link SmtpInput}) and after the commands whose reply the
 * client waits for alone (DATA, QUIT, HELO, EHLO, HELP, NOOP, VRFY, unknown). Replies are ASCII texts
 * of ours; a byte from the client never reaches one, so a reply cannot carry a forged line.
 */
final class Replies implements SmtpInput.BeforeWait {
    private OutputStream out;
    private final byte[] buf = new byte[512];
    private int n;

    Replies(OutputStream out) {
        this.out = out;
    }

    /** Queues {@code text} followed by CR LF. */
    void line(String text) throws IOException {
        put(text);
        crlf();
    }

    void put(String s) throws IOException {
        for (int i = 0; i < s.length(); i++) {
            if (n == buf.length) flush();
            char c = s.charAt(i);
            // Defence in depth: a greeting from a control file with a stray control byte must not
            // split a reply into two.
            buf[n++] = (byte) (c == '\r' || c == '\n' || c == 0 || c > 0xff ? '?' : c);
        }
    }

    /** Queues raw CR LF (put() would not let it through). */
    void crlf() throws IOException {
        if (n + 2 > buf.length) flush();
        buf[n++] = '\r';
        buf[n++] = '\n';
    }

    /** Before a read that may wait: flush (qmail's saferead). */
    @Override
    public void run() throws IOException {
        flush();
    }

    /** From now on write to {@code next} (the TLS session); call after a flush. */
    void switchTo(OutputStream next) {
        out = next;
    }

    OutputStream stream() {
        return out;
    }

    void flush() throws IOException {
        if (n == 0) return;
        out.write(buf, 0, n);
        out.flush();
        n = 0;
    }
}
