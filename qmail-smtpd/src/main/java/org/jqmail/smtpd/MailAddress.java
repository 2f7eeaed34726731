package org.jqmail.smtpd;

/**
 * The address of a MAIL or RCPT command, parsed as qmail-smtpd's addrparse() parses it, and the ESMTP
 * parameters after it.
 * <ul>
 * <li>With a {@code <}, the address is what follows it up to the {@code >}; without one (a client that
 *     "should go read RFC 821"), what follows the first {@code :}, spaces skipped, up to a space.
 * <li>A source route ({@code @a,@b:user@c}) is removed: everything up to the first {@code :}.
 * <li>Backslash escapes and double quotes are removed; a terminator inside quotes does not terminate,
 *     so {@code <"a b>c"@d>} is {@code a b>c@d}.
 * <li>{@code user@[d.d.d.d]} where d.d.d.d is one of our addresses becomes {@code user@<localiphost>}.
 * <li>More than 900 bytes: syntax error (qmail's limit).
 * </ul>
 * Stricter than qmail: a control byte (below 0x20, or 0x7f) anywhere in the address is a syntax error,
 * since it could only serve to confuse a later hop (envelope addresses go into SMTP command lines and
 * log lines). Bytes 0x80–0xff are kept as they are: qmail is 8-bit clean in addresses too.
 * Also stricter: after the quotes are removed, the domain (after the last {@code @}) may not hold a
 * space, {@code <}, {@code >}, {@code "} or {@code \}. qmail-remote quotes only the local part, so
 * {@code <joe@"example.org> NOTIFY=NEVER">} would reach the next hop as
 * {@code RCPT TO:<joe@example.org> NOTIFY=NEVER>}: an ESMTP parameter chosen by the client.
 *
 * @param address the address (ISO-8859-1 chars)
 * @param params the text after the terminator (ESMTP parameters), "" if none
 */
record MailAddress(String address, String params) {
    /** qmail-smtpd refuses a longer address with 555. */
    static final int MAX = 900;

    /** Decides whether an IPv4 address (4 bytes) is one of this host's (qmail's ipme). */
    interface LocalIps {
        boolean isLocal(byte[] ip4);
    }

    /** The parsed address, or null for a syntax error. {@code liphost} null: no [d.d.d.d] rewriting. */
    static MailAddress parse(String arg, String liphost, LocalIps ips) {
        char terminator = '>';
        int i = arg.indexOf('<');
        if (i >= 0) {
            i++;
        } else {
            terminator = ' ';
            i = arg.indexOf(':');
            i = i < 0 ? arg.length() : i + 1;
            while (i < arg.length() && arg.charAt(i) == ' ') i++;
        }
        if (i < arg.length() && arg.charAt(i) == '@') { // source route
            while (i < arg.length() && arg.charAt(i++) != ':') {
                // skip to just past the first ':'
            }
        }
        StringBuilder addr = new StringBuilder();
        boolean escaped = false;
        boolean quoted = false;
        int end = arg.length();
        for (; i < arg.length(); i++) {
            char c = arg.charAt(i);
            if (c < 0x20 || c == 0x7f) return null;
            if (escaped) {
                addr.append(c);
                escaped = false;
            } else if (!quoted && c == terminator) {
                end = i + 1;
                break;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                quoted = !quoted;
            } else {
                addr.append(c);
            }
            if (addr.length() > MAX) return null;
        }
        String a = addr.toString();
        if (!domainIsPlain(a)) return null;
        if (liphost != null) a = rewriteLocalIp(a, liphost, ips);
        if (a.length() > MAX) return null;
        return new MailAddress(a, end < arg.length() ? arg.substring(end) : "");
    }

    /** {@code user@[d.d.d.d]} with a local IP becomes {@code user@liphost} (before rcpthosts). */
    /** No byte in the domain part that would end the address or start a parameter in a later hop's command. */
    private static boolean domainIsPlain(String a) {
        for (int i = a.lastIndexOf('@') + 1; i > 0 && i < a.length(); i++) {
            char c = a.charAt(i);
            if (c == ' ' || c == '<' || c == '>' || c == '"' || c == '\\') return false;
        }
        return true;
    }

    private static String rewriteLocalIp(String a, String liphost, LocalIps ips) {
        int at = a.lastIndexOf('@');
        if (at < 0 || at + 1 >= a.length() || a.charAt(at + 1) != '[' || a.charAt(a.length() - 1) != ']') return a;
        byte[] ip = ip4(a, at + 2, a.length() - 1);
        if (ip == null || !ips.isLocal(ip)) return a;
        return a.substring(0, at + 1) + liphost;
    }

    /** Dotted-quad digits in s[from, to), each part 1–3 digits up to 255; else null. */
    static byte[] ip4(String s, int from, int to) {
        byte[] ip = new byte[4];
        int part = 0;
        int i = from;
        for (;;) {
            int v = 0;
            int digits = 0;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9' && digits < 4) {
                v = v * 10 + (s.charAt(i++) - '0');
                digits++;
            }
            if (digits == 0 || digits > 3 || v > 255) return null;
            ip[part++] = (byte) v;
            if (part == 4) return i == to ? ip : null;
            if (i >= to || s.charAt(i) != '.') return null;
            i++;
        }
    }

    /** True if {@code name} (no value, any case) is among the ESMTP parameters, e.g. SMTPUTF8. */
    boolean hasParam(String name) {
        int i = 0;
        while (i < params.length()) {
            while (i < params.length() && params.charAt(i) == ' ') i++;
            int start = i;
            while (i < params.length() && params.charAt(i) != ' ') i++;
            if (i - start == name.length() && params.regionMatches(true, start, name, 0, name.length())) return true;
        }
        return false;
    }

    /**
     * The value of the SIZE= parameter (RFC 1870) among {@code params}: -1 if there is none, -2 if it
     * is not a number. Parameter names are case-insensitive; a value too big for a long counts as
     * {@link Long#MAX_VALUE}, which exceeds any databytes.
     */
    long declaredSize() {
        int i = 0;
        while (i < params.length()) {
            while (i < params.length() && params.charAt(i) == ' ') i++;
            int start = i;
            while (i < params.length() && params.charAt(i) != ' ') i++;
            String p = params.substring(start, i);
            if (p.length() >= 5 && p.regionMatches(true, 0, "SIZE=", 0, 5)) {
                String v = p.substring(5);
                if (v.isEmpty()) return -2;
                long n = 0;
                for (int j = 0; j < v.length(); j++) {
                    char c = v.charAt(j);
                    if (c < '0' || c > '9') return -2;
                    n = n > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : n * 10 + (c - '0');
                }
                return n;
            }
        }
        return -1;
    }
}
