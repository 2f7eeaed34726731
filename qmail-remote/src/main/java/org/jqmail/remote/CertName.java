package org.jqmail.remote;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/**
 * Does a server certificate name the host we meant to reach (RFC 6125, as s/qmail's {@code =} and
 * {@code ~} rules ask)? The DNS names of the subjectAltName are compared without regard to ASCII case
 * and a final dot; only if there are none, the subject's CN. A wildcard is taken only when allowed
 * ({@code ~}), only as the whole leftmost label ({@code *.example.com}), and it covers exactly one
 * label. An address (a relay written as an IP) is compared with the iPAddress entries.
 */
final class CertName {
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private CertName() {}

    static boolean matches(X509Certificate cert, String name, boolean wildcard) {
        if (name == null) return false;
        InetAddress ip = IpLiteral.any(name);
        List<String> dns = new ArrayList<>();
        try {
            Collection<List<?>> alt = cert.getSubjectAlternativeNames();
            if (alt != null) {
                for (List<?> e : alt) {
                    int type = (Integer) e.get(0);
                    if (type == DNS_NAME) dns.add((String) e.get(1));
                    if (type == IP_ADDRESS && ip != null && ip.equals(IpLiteral.any((String) e.get(1)))) return true;
                }
            }
        } catch (CertificateParsingException | RuntimeException e) {
            return false;
        }
        if (ip != null) return false;
        if (dns.isEmpty()) {
            String cn = commonName(cert.getSubjectX500Principal());
            if (cn != null) dns.add(cn);
        }
        String want = canonical(name);
        for (String d : dns) {
            String have = canonical(d);
            if (have.equals(want)) return true;
            if (wildcard && have.startsWith("*.") && have.indexOf('*', 1) < 0) {
                int dot = want.indexOf('.');
                if (dot > 0 && want.substring(dot).equals(have.substring(1)) && have.indexOf('.', 2) > 0) return true;
            }
        }
        return false;
    }

    private static String canonical(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }

    /** The last CN of the subject, from its RFC 2253 text. */
    static String commonName(X500Principal p) {
        String cn = null;
        for (String rdn : p.getName(X500Principal.RFC2253).split("(?<!\\\\),")) {
            if (rdn.regionMatches(true, 0, "CN=", 0, 3)) cn = rdn.substring(3).replace("\\", "");
        }
        return cn;
    }
}
