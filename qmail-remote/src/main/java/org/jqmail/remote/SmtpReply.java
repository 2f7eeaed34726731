package org.jqmail.remote;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads SMTP replies (qmail-remote.c smtpcode): the code is the first three bytes of the first line;
 * a line whose fourth byte is '-' continues the reply, which ends with the first line that does not
 * (whatever code the continuation lines carry). The text kept for the report is the whole reply with
 * its CRs removed, at most {@value #MAX_TEXT} bytes, as qmail's HUGESMTPTEXT.
 * <p>
 * Limits at this boundary, beyond qmail's: a reply longer than {@value #MAX_REPLY} bytes in all is an
 * error (qmail would read a never-ending reply for as long as the server sends), and a reply whose code
 * is not three digits is "garbage", code {@link #GARBAGE}, which every stage treats as a temporary
 * failure (qmail computed a number from any three bytes, which could bounce mail on line noise).
 */
final class SmtpReply {
    static final int MAX_TEXT = 5000;
    static final int MAX_REPLY = 1024 * 1024;
    static final int GARBAGE = -1;

    private final SmtpConnection conn;
    private final ByteBuffer buf = ByteBuffer.allocate(1024).flip();
    private final StringBuilder text = new StringBuilder();
    private int taken;

    SmtpReply(SmtpConnection conn) {
        this.conn = conn;
    }

    /** The next reply's code; its text is {@link #text()} until the next call. */
    int next() throws IOException {
        text.setLength(0);
        taken = 0;
        int c1 = get();
        int c2 = get();
        int c3 = get();
        int code = digit(c1) && digit(c2) && digit(c3) ? (c1 - '0') * 100 + (c2 - '0') * 10 + (c3 - '0') : GARBAGE;
        int ch;
        for (;;) {
            ch = get();
            if (ch != '-') break;
            while (ch != '\n') ch = get();
            get();
            get();
            get();
        }
        while (ch != '\n') ch = get();
        return code;
    }

    /** Whether bytes after the last reply were already read (a server that pipelines its replies). */
    boolean buffered() {
        return buf.hasRemaining();
    }

    /** The last reply as qmail-remote reports it ("Remote host said: " is added by the caller). */
    String text() {
        return text.toString();
    }

    void forget() {
        text.setLength(0);
    }

    private int get() throws IOException {
        if (!buf.hasRemaining()) {
            buf.clear();
            try {
                conn.read(buf);
            } finally {
                buf.flip();
            }
        }
        if (++taken > MAX_REPLY) throw new IOException("reply too long");
        int c = buf.get() & 0xff;
        if (c != '\r' && text.length() < MAX_TEXT) text.append((char) c);
        return c;
    }

    private static boolean digit(int c) {
        return c >= '0' && c <= '9';
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
