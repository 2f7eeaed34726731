package org.jqmail.remote;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * qmail-remote's output (qmail-remote(8) RESULTS): recipient reports {@code r}, {@code h} or {@code s}
 * in argument order, then exactly one message report {@code K}, {@code Z} or {@code D}; each report is
 * its letter, a human-readable text, and a NUL. The bytes are collected here and written once at the
 * end: they are small (an SMTP reply is kept to {@link SmtpReply#MAX_TEXT} bytes per report).
 */
final class Reports {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private boolean done;

    void recipient(char letter, String text) {
        if (letter != 'r' && letter != 'h' && letter != 's') throw new IllegalArgumentException("letter " + letter);
        add(letter, text);
    }

    void message(char letter, String text) {
        add(letter, text);
        done = true;
    }

    boolean done() {
        return done;
    }

    private void add(char letter, String text) {
        if (done) throw new IllegalStateException("message report already written");
        out.write(letter);
        // A NUL would end the report early: qmail-remote's outsmtptext turns it into '?'.
        out.writeBytes(text.replace('\0', '?').getBytes(StandardCharsets.ISO_8859_1));
        out.write(0);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** qmail's outsafe: a host name from the command line, every byte outside 33..126 shown as '?'. */
    static String safe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c < 33 || c > 126 ? '?' : c);
        }
        return b.toString();
    }
}
