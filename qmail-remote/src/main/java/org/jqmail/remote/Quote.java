package org.jqmail.remote;

/**
 * The address as it goes into {@code MAIL FROM:<...>} and {@code RCPT TO:<...>} (qmail's quote.c, used by
 * addrmangle): the local part, everything before the last '@', is sent as it is when it is a dot-atom of
 * RFC 821 characters, and otherwise in double quotes with CR, LF, '"' and '\' escaped by a backslash. An
 * address without '@' (the null sender, for one) is sent unchanged. Bytes above 127 force quoting and
 * are otherwise sent as they are, unless the local part is UTF-8 (RFC 6531: then they are atom text).
 */
final class Quote {
    private static final String SPECIALS = "\"(),:;<>@[\\]";

    private Quote() {}

    static String address(String a) {
        int at = a.lastIndexOf('@');
        if (at < 0) return a;
        String box = a.substring(0, at);
        return (needsQuoting(box) ? quoted(box) : box) + a.substring(at);
    }

    static boolean needsQuoting(String s) {
        if (s.isEmpty()) return true;
        // RFC 6531 3.3: UTF-8 is atom text (it goes only with SMTPUTF8); other 8-bit bytes are quoted, as qmail does
        boolean intl = Utf8.international(s);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 32 || (c >= 127 && !(intl && c >= 128)) || SPECIALS.indexOf(c) >= 0) return true;
        }
        return s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.' || s.contains("..");
    }

    private static String quoted(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == '"' || c == '\\') b.append('\\');
            b.append(c);
        }
        return b.append('"').toString();
    }
}
