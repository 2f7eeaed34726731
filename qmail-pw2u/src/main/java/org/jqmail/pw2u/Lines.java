package org.jqmail.pw2u;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads text one line at a time with a length limit, as ISO-8859-1 so every byte survives. A line
 * longer than the limit is read to its end and reported as {@link #TOO_LONG}, never held whole.
 */
final class Lines {
    /** Returned for a line over the limit (compared by identity). */
    static final String TOO_LONG = new String("(line too long)");

    static final int MAX_LINE = 64 * 1024;

    private final InputStream in;

    Lines(InputStream in) {
        this.in = in;
    }

    /** The next line without its LF (a last line without LF counts), or null at the end. */
    String next() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        boolean any = false;
        boolean tooLong = false;
        for (int c; (c = in.read()) >= 0; ) {
            any = true;
            if (c == '\n') break;
            if (b.size() >= MAX_LINE) {
                tooLong = true;
                continue;
            }
            b.write(c);
        }
        if (!any) return null;
        return tooLong ? TOO_LONG : b.toString(StandardCharsets.ISO_8859_1);
    }
}
