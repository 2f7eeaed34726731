package org.jqmail.inject;

import java.io.ByteArrayOutputStream;

/**
 * qmail's quote.c: an address in RFC 822 form with as little quoting as possible. Only the local part
 * (before the last '@') is quoted, and only if it needs it.
 */
final class Quote {
    private Quote() {}

    /** Characters that may stand unquoted in a local part (quote.c's table). */
    private static boolean ok(int ch) {
        if (ch < 33 || ch > 126) return false;
        return "\"(),:;<>@[\\]".indexOf(ch) < 0;
    }

    static boolean need(byte[] s, int n) {
        if (n == 0) return true;
        for (int i = 0; i < n; i++) if (!ok(s[i] & 0xff)) return true;
        if (s[0] == '.' || s[n - 1] == '.') return true;
        for (int i = 0; i + 1 < n; i++) if (s[i] == '.' && s[i + 1] == '.') return true;
        return false;
    }

    /** quote2(): the local part quoted if needed, then '@' and the domain as they are. */
    static byte[] quote2(byte[] s) {
        if (s.length == 0) return s;
        int at = s.length;
        for (int i = s.length - 1; i >= 0; i--) {
            if (s[i] == '@') {
                at = i;
                break;
            }
        }
        if (!need(s, at)) return s;
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length * 2 + 2);
        out.write('"');
        for (int i = 0; i < at; i++) {
            byte ch = s[i];
            if (ch == '\r' || ch == '\n' || ch == '"' || ch == '\\') out.write('\\');
            out.write(ch);
        }
        out.write('"');
        out.write(s, at, s.length - at);
        return out.toByteArray();
    }
}
