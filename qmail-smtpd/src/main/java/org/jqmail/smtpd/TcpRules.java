package org.jqmail.smtpd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jqmail.common.Cdb;

/**
 * tcpserver's access rules (tcpserver -x, compiled by tcprules(1); ucspi-tcp 0.88 rules.c and
 * tcpserver.c's found()), for qmail-smtpd-server. The cdb's keys are what the rule lines give before
 * their last colon: an IP address {@code 127.0.0.1}, a prefix ending in a dot {@code 10.1.}, or the
 * empty key of the catch-all line {@code :allow} (tcprules expands ranges {@code 1.2.3.4-7} into one
 * key each). A value is a list of NUL-terminated entries: {@code D} (deny) or {@code +VAR=value}
 * (set VAR to value; empty for {@code allow} without variables). As tcpserver does with -H -R (no
 * remote host name, no ident), the client's address is looked up as itself, then as each of its
 * prefixes ending in a dot from the longest down, then as the empty key; the first key found decides,
 * and no key found means allow with nothing set. Entries tcpserver ignores are ignored here too: an
 * unterminated last entry, {@code +VAR} without {@code =}, any other first byte. An IPv6 address is
 * looked up as itself and then as the empty key (0.88 knows only IPv4).
 */
final class TcpRules {
    /** A rule's value is a few variables; a value this big is not from tcprules. */
    static final int MAX_VALUE = 64 * 1024;
    /** Keys are IP addresses; nothing longer than an IPv6 address plus slack is looked up. */
    static final int MAX_KEY = 64;

    /** What the rules say for one client: deny it, or these assignments in order. */
    record Rule(boolean deny, List<String[]> assignments) {
        static final Rule ALLOW = new Rule(false, List.of());

        /** Applies the assignments to {@code env} (a connection's environment), later ones winning. */
        void applyTo(Map<String, String> env) {
            for (String[] a : assignments) env.put(a[0], a[1]);
        }
    }

    private TcpRules() {}

    /** Opens {@code cdb}, looks {@code ip} up and closes it again (tcpserver reads it per connection). */
    static Rule lookup(Path cdb, String ip) throws IOException {
        try (Cdb c = Cdb.open(cdb)) {
            return lookup(c, ip);
        }
    }

    static Rule lookup(Cdb cdb, String ip) throws IOException {
        if (ip.length() > MAX_KEY) return parse(find(cdb, ""));
        byte[] data = find(cdb, ip);
        if (data == null && ip.indexOf(':') < 0) {
            for (int len = ip.length(); len > 0 && data == null; len--) {
                if (ip.charAt(len - 1) == '.') data = find(cdb, ip.substring(0, len));
            }
        }
        if (data == null) data = find(cdb, "");
        return data == null ? Rule.ALLOW : parse(data);
    }

    private static byte[] find(Cdb cdb, String key) throws IOException {
        byte[] data = cdb.find(key.getBytes(StandardCharsets.ISO_8859_1));
        if (data != null && data.length > MAX_VALUE) throw new IOException("rule for \"" + key + "\" is larger than " + MAX_VALUE + " bytes");
        return data;
    }

    /** A value as tcpserver's found() reads it. Bytes are ISO-8859-1 chars, as every envelope string here. */
    static Rule parse(byte[] data) {
        boolean deny = false;
        List<String[]> assignments = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] != 0) continue;
            if (i > start) {
                if (data[start] == 'D') {
                    deny = true;
                } else if (data[start] == '+') {
                    String entry = new String(data, start + 1, i - start - 1, StandardCharsets.ISO_8859_1);
                    int eq = entry.indexOf('=');
                    if (eq > 0) assignments.add(new String[] {entry.substring(0, eq), entry.substring(eq + 1)});
                }
            }
            start = i + 1;
        }
        return deny || !assignments.isEmpty() ? new Rule(deny, List.copyOf(assignments)) : Rule.ALLOW;
    }
}
