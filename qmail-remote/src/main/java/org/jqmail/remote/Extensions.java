package org.jqmail.remote;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The service extensions a server lists in its EHLO reply (RFC 5321 4.1.1.1): every line after the
 * first, its keyword compared without regard to case. Only the ones qmail-remote uses are kept:
 * STARTTLS (RFC 3207), AUTH and its mechanisms (RFC 4954), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531),
 * PIPELINING (RFC 2920).
 * A HELO session has none. The reply text is at most {@link SmtpReply#MAX_TEXT} bytes, which bounds this.
 */
record Extensions(boolean startTls, boolean eightBitMime, boolean smtpUtf8, boolean pipelining, Set<String> auth) {
    static final Extensions NONE = new Extensions(false, false, false, false, Set.of());

    /** {@code text}: the EHLO reply as {@link SmtpReply#text} gives it (lines ending in LF, CRs removed). */
    static Extensions parse(String text) {
        boolean tls = false;
        boolean eight = false;
        boolean utf8 = false;
        boolean pipelining = false;
        Set<String> auth = new LinkedHashSet<>();
        String[] lines = text.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            if (l.length() < 4) continue;
            String[] words = l.substring(4).strip().toUpperCase(Locale.ROOT).split("[ =]+");
            switch (words[0]) {
                case "STARTTLS" -> tls = true;
                case "8BITMIME" -> eight = true;
                case "SMTPUTF8" -> utf8 = true;
                case "PIPELINING" -> pipelining = true;
                case "AUTH" -> {
                    for (int w = 1; w < words.length; w++) auth.add(words[w]);
                }
                default -> { }
            }
        }
        return new Extensions(tls, eight, utf8, pipelining, Set.copyOf(auth));
    }
}
