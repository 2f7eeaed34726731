package org.jqmail.remote;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * control/tlsdestinations, in s/qmail's syntax (its qmail-remote(8) and tls_remote.c tls_destination),
 * the subset we implement; docs/qmail-remote.md has the table. Lines are {@code key:value}; the key is
 * the destination (qmail-remote's host argument), with a prefix that says what is demanded:
 * <pre>
 *   !host:       never STARTTLS          -host:   TLS required, any certificate
 *   host:        TLS required, the certificate chain verified (against value's cafile or the JDK's CAs)
 *   ~host:       required, chain and name (the exchanger's name; a wildcard '*.' allowed)
 *   =host:       required, chain and exactly the exchanger's name
 *   =*: ~*: +*: -*:  the same four for every destination;   *: TLS if offered, chain verified;
 *   -: (or no line) TLS if offered, any certificate (opportunistic, the default)
 * </pre>
 * An address literal key such as {@code =[IPv6:::1]} ends at its {@code ]:}.
 * {@code host} forms that start with a dot match every host below it; {@code !}, {@code ~}, the plain
 * form and {@code -} try the host, then each dot-suffix; {@code =} the host only. The first line for a
 * key wins; keys compare without regard to ASCII case. The value is s/qmail's
 * {@code cafile|ciphers|verifydepth;port|domain}: we take {@code cafile} and {@code ;port} ({@code 465}
 * or {@code sPORT} = TLS from the first byte, SMTPS). A value that asks for more than we implement
 * (ciphers, a depth, a sender domain, certificate pinning with {@code %host}) is refused as a control
 * error when its line is the one that applies: a line meant to tighten security must never silently do
 * less. The empty key (a line {@code :...}) applies to nothing: s/qmail's tls_destination reaches
 * {@code -:} through it by accident, the {@code *} forms say it plainly.
 */
final class TlsDestinations {
    /** What the server's certificate must satisfy. */
    enum Check { NONE, CHAIN, NAME_WILDCARD, NAME_EXACT }

    /**
     * The rule for one destination. {@code never}: plain SMTP even if STARTTLS is offered. {@code required}:
     * no delivery without TLS. {@code port} 0 = the route's port.
     */
    record Rule(boolean never, boolean required, Check check, String caFile, int port, boolean smtps) {
        static final Rule OPPORTUNISTIC = new Rule(false, false, Check.NONE, null, 0, false);
        static final Rule NEVER = new Rule(true, false, Check.NONE, null, 0, false);
    }

    static final int SMTPS_PORT = 465;

    private final Map<String, String> map = new HashMap<>();

    TlsDestinations(List<String> lines) {
        for (String line : lines) {
            // an address literal key ([IPv6:::1], after its prefix) holds colons: the key ends at "]:"
            int open = line.indexOf('[');
            int close = line.indexOf("]:");
            int colon = open >= 0 && open <= 1 && close > open ? close + 1 : line.indexOf(':');
            if (colon <= 0) continue; // no key, or no colon: no rule
            map.putIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1));
        }
    }

    /** The rule for {@code host} (qmail-remote's first argument, as DNS is asked for it). */
    Rule lookup(String host) throws Verdict {
        String h = host.toLowerCase(Locale.ROOT);
        String v;
        if ((v = suffixes("!", h)) != null) return Rule.NEVER;
        if (map.containsKey("%" + h)) throw Verdict.control(); // certificate pinning: not implemented
        if ((v = map.get("=" + h)) != null) return rule(true, Check.NAME_EXACT, v);
        if ((v = suffixes("~", h)) != null) return rule(true, Check.NAME_WILDCARD, v);
        if ((v = suffixes("", h)) != null) return rule(true, Check.CHAIN, v);
        if ((v = suffixes("-", h)) != null) return rule(true, Check.NONE, v);
        if ((v = map.get("=*")) != null) return rule(true, Check.NAME_EXACT, v);
        if ((v = map.get("~*")) != null) return rule(true, Check.NAME_WILDCARD, v);
        if ((v = map.get("+*")) != null) return rule(true, Check.CHAIN, v);
        if ((v = map.get("-*")) != null) return rule(true, Check.NONE, v);
        if ((v = map.get("*")) != null) return rule(false, Check.CHAIN, v);
        if ((v = map.get("-")) != null) return rule(false, Check.NONE, v);
        return Rule.OPPORTUNISTIC;
    }

    /** The value for {@code prefix} + the host, else + each of its dot-suffixes; null if none. */
    private String suffixes(String prefix, String h) {
        for (int i = 0; i < h.length(); i++) {
            if (i == 0 || h.charAt(i) == '.') {
                String v = map.get(prefix + h.substring(i));
                if (v != null) return v;
            }
        }
        return null;
    }

    /** {@code cafile|ciphers|verifydepth;port|domain}, of which we take cafile and port. */
    private static Rule rule(boolean required, Check check, String value) throws Verdict {
        int semi = value.indexOf(';');
        String left = semi < 0 ? value : value.substring(0, semi);
        String right = semi < 0 ? "" : value.substring(semi + 1);
        String[] l = left.split("\\|", -1);
        String[] r = right.split("\\|", -1);
        if (l.length > 3 || r.length > 2) throw Verdict.control();
        for (int i = 1; i < l.length; i++) if (!l[i].isEmpty()) throw Verdict.control(); // ciphers, depth
        if (r.length > 1 && !r[1].isEmpty()) throw Verdict.control(); // a sender domain
        String ca = l[0].isEmpty() ? null : l[0];
        if (ca != null && ca.startsWith("=")) throw Verdict.control(); // a fingerprint (pinning)
        int port = 0;
        boolean smtps = false;
        String p = r[0];
        if (!p.isEmpty()) {
            if (p.charAt(0) == 's' || p.charAt(0) == 'S') {
                smtps = true;
                p = p.substring(1);
            }
            port = SmtpRoutes.port(p);
            smtps |= port == SMTPS_PORT;
        }
        return new Rule(false, required, check, ca, port, smtps);
    }
}
