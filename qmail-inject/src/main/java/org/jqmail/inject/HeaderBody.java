package org.jqmail.inject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * qmail's headerbody.c: splits a message into header fields and body. A field is a line with a valid
 * name and a colon plus the lines after it that start with a space or tab; a {@code From } line in the
 * header becomes the field {@code MBOX-Line: From ...}; the header ends at a blank line or at the first
 * line that is not a field, and then a blank line is put before that line; a message with no body ends
 * with its header. A last line without a newline gets one, as qmail's getln-based reading gives it.
 * <p>
 * The header is held in memory (qmail-inject must see all of it before it can add fields), so it is
 * bounded: {@link #MAX_HEADER} bytes. The body is streamed, with no limit of its own.
 */
final class HeaderBody {
    /** The most header bytes qmail-inject holds; a longer header is refused permanently. */
    static final int MAX_HEADER = 8 * 1024 * 1024;

    interface Fields {
        void field(byte[] h) throws InjectFailure;

        /** The header is complete; returns where the body goes. */
        OutputStream headerDone() throws IOException, InjectFailure;
    }

    private final InputStream in;
    private final byte[] buf = new byte[65536];
    private int pos;
    private int len;
    private boolean eof;
    private long headerBytes;

    HeaderBody(InputStream in) {
        this.in = in;
    }

    /** Reads the whole message, handing fields to {@code f} and the body to the stream it returns. */
    void run(Fields f) throws IOException, InjectFailure {
        byte[] field = null;
        for (;;) {
            byte[] next = headerLine();
            if (next == null) {
                if (field != null) f.field(field);
                f.headerDone().flush();
                return;
            }
            if (field != null) {
                if (next[0] == ' ' || next[0] == '\t') {
                    field = concat(field, next);
                    continue;
                }
                f.field(field);
            }
            if (next.length == 1) { // the blank line
                OutputStream body = f.headerDone();
                body.write(next);
                copyBody(body);
                return;
            }
            if (startsWith(next, "From ")) {
                field = concat("MBOX-Line: ".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), next);
            } else if (HeaderField.valid(next, next.length)) {
                field = next;
            } else {
                OutputStream body = f.headerDone();
                body.write('\n');
                body.write(next);
                copyBody(body);
                return;
            }
        }
    }

    private static boolean startsWith(byte[] b, String s) {
        if (b.length < s.length()) return false;
        for (int i = 0; i < s.length(); i++) if (b[i] != s.charAt(i)) return false;
        return true;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private boolean fill() throws IOException {
        if (pos < len) return true;
        if (eof) return false;
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        len = n;
        return true;
    }

    /** The next line with its '\n' (added if the input ends without one), or null at the end. */
    private byte[] headerLine() throws IOException, InjectFailure {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (fill()) {
            int start = pos;
            while (pos < len && buf[pos] != '\n') pos++;
            boolean nl = pos < len;
            if (nl) pos++;
            headerBytes += pos - start;
            if (headerBytes > MAX_HEADER) {
                throw InjectFailure.permanent("message header is longer than " + MAX_HEADER + " bytes");
            }
            line.write(buf, start, pos - start);
            if (nl) return line.toByteArray();
        }
        if (line.size() == 0) return null;
        line.write('\n');
        return line.toByteArray();
    }

    /** The rest of the input as it is, a newline added if its last line has none. */
    private void copyBody(OutputStream out) throws IOException {
        byte last = '\n';
        while (fill()) {
            out.write(buf, pos, len - pos);
            last = buf[len - 1];
            pos = len;
        }
        if (last != '\n') out.write('\n');
        out.flush();
    }
}
