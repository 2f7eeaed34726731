package org.jqmail.send;

/**
 * quote.c: an address as it goes into a header line (From:, To:, Return-Path:), quoting the local part
 * only when RFC 822 needs it. A local part is left as it is if it is non-empty, all atom characters or
 * dots (no byte above 127), and has no dot at either end and no two dots in a row; otherwise it is put in
 * double quotes, with CR, LF, '"' and '\' escaped by a backslash.
 */
final class Quote {
    private Quote() {}

    /** quote_need()'s table: the printable ASCII that may stand unquoted in a local part. */
    private static boolean ok(char c) {
        if (c <= 32 || c >= 127) return false;
        return "\"(),:;<>@[\\]".indexOf(c) < 0;
    }

    static boolean needed(String s) {
        if (s.isEmpty()) return true;
        for (int i = 0; i < s.length(); i++) if (!ok(s.charAt(i))) return true;
        if (s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.') return true;
        return s.contains("..");
    }

    /** quote(): the whole string as one local part. */
    static String local(String s) {
        if (!needed(s)) return s;
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == '"' || c == '\\') b.append('\\');
            b.append(c);
        }
        return b.append('"').toString();
    }

    /** quote2(): the local part (before the last '@') quoted as needed, the domain as it is. */
    static String address(String s) {
        if (s.isEmpty()) return s;
        int at = s.lastIndexOf('@');
        if (at < 0) return local(s);
        return local(s.substring(0, at)) + s.substring(at);
    }
}
