package org.jqmail.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tlsdestinations, EHLO keywords, certificate names, IPv6 literals: with hostile input. */
class TlsParsersTest {
    @TempDir Path dir;

    static TlsDestinations.Rule rule(boolean req, TlsDestinations.Check c, String ca, int port, boolean smtps) {
        return new TlsDestinations.Rule(false, req, c, ca, port, smtps);
    }

    @Test
    void tlsdestinationsOrderAndForms() throws Exception {
        TlsDestinations t = new TlsDestinations(List.of("!plain.example.com:", ".example.com:/ca.pem", "=exact.org:",
            "~wild.net:", "-any.io:;s2465", "smtps.de:;465", "nocolon", ":ignored", "EXAMPLE.com:first", "example.com:second"));
        assertEquals(TlsDestinations.Rule.NEVER, t.lookup("plain.example.com"));
        assertEquals(rule(true, TlsDestinations.Check.CHAIN, "/ca.pem", 0, false), t.lookup("mx.example.com"));
        assertEquals(rule(true, TlsDestinations.Check.CHAIN, "first", 0, false), t.lookup("Example.COM"));
        assertEquals(rule(true, TlsDestinations.Check.NAME_EXACT, null, 0, false), t.lookup("exact.org"));
        assertEquals(TlsDestinations.Rule.OPPORTUNISTIC, t.lookup("sub.exact.org"), "= is for the host only");
        assertEquals(rule(true, TlsDestinations.Check.NAME_WILDCARD, null, 0, false), t.lookup("wild.net"));
        assertEquals(TlsDestinations.Rule.OPPORTUNISTIC, t.lookup("a.wild.net"), "subdomains need a .wild.net line");
        assertEquals(rule(true, TlsDestinations.Check.NONE, null, 2465, true), t.lookup("any.io"));
        assertEquals(rule(true, TlsDestinations.Check.CHAIN, null, 465, true), t.lookup("smtps.de"));
        assertEquals(TlsDestinations.Rule.OPPORTUNISTIC, t.lookup("elsewhere.com"), "the empty key is no rule");
        assertEquals(rule(false, TlsDestinations.Check.CHAIN, null, 0, false), new TlsDestinations(List.of("*:")).lookup("x"));
        assertEquals(rule(true, TlsDestinations.Check.NAME_EXACT, null, 0, false),
            new TlsDestinations(List.of("=*:", "+*:")).lookup("x"));
        assertEquals(rule(true, TlsDestinations.Check.NONE, null, 0, false), new TlsDestinations(List.of("-*:", "*:")).lookup("x"));
        assertEquals(TlsDestinations.Rule.OPPORTUNISTIC, new TlsDestinations(List.of("-:")).lookup("x"));
        assertEquals(rule(true, TlsDestinations.Check.NAME_EXACT, null, 0, false),
            new TlsDestinations(List.of("=[IPv6:::1]:")).lookup("[ipv6:::1]"));
    }

    @Test
    void tlsdestinationsAskingForMoreThanWeDoIsAControlError() {
        for (String bad : List.of("x:ca|HIGH", "x:ca||3", "x:ca;25|sender.example", "x:=AB12CD", "x:;0", "x:;s", "x:;99999",
                "x:a|b|c|d", "x:;1|2|3", "%x:=abcdef")) {
            Verdict v = assertThrows(Verdict.class, () -> new TlsDestinations(List.of(bad)).lookup("x"), bad);
            assertEquals("ZUnable to read control files. (#4.3.0)\n", v.letter() + v.text());
        }
    }

    @Test
    void ehloKeywords() {
        Extensions e = Extensions.parse("250-mx.example hello\n250-starttls\n250-AUTH=LOGIN\n250-AUTH PLAIN  cram-md5\n"
            + "250-8BITMIME\n250 SMTPUTF8\n");
        assertTrue(e.startTls() && e.eightBitMime() && e.smtpUtf8());
        assertEquals(Set.of("LOGIN", "PLAIN", "CRAM-MD5"), e.auth());
        Extensions first = Extensions.parse("250 STARTTLS\n");
        assertFalse(first.startTls(), "the first line is the greeting, not a keyword");
        Extensions junk = Extensions.parse("250-x\n25\n\n250-\u00ff\u0000\n250 \n");
        assertEquals(Extensions.parse("250 x\n"), junk);
    }

    @Test
    void certificateNames() throws Exception {
        X509Certificate wild = TestCerts.make(dir, "w", "ignored.example", "dns:*.example.com,dns:Exact.Example.ORG,ip:192.0.2.1", 0, 2)
            .certificate();
        assertTrue(CertName.matches(wild, "mx.example.com", true));
        assertFalse(CertName.matches(wild, "mx.example.com", false), "= takes no wildcard");
        assertFalse(CertName.matches(wild, "a.mx.example.com", true), "one label only");
        assertFalse(CertName.matches(wild, "example.com", true));
        assertTrue(CertName.matches(wild, "exact.example.org.", false));
        assertFalse(CertName.matches(wild, "ignored.example", false), "no CN when there are DNS names");
        assertTrue(CertName.matches(wild, "192.0.2.1", false));
        assertFalse(CertName.matches(wild, "192.0.2.2", false));
        assertFalse(CertName.matches(wild, null, true));
        X509Certificate cn = TestCerts.make(dir, "c", "only.example", null, 0, 2).certificate();
        assertTrue(CertName.matches(cn, "ONLY.example", false), "the CN when there is no SAN");
        X509Certificate star = TestCerts.make(dir, "s", "x", "dns:*.com", 0, 2).certificate();
        assertFalse(CertName.matches(star, "example.com", true), "no wildcard for a whole TLD");
    }

    @Test
    void ipv6Literals() {
        assertEquals(IpLiteral.any("::1"), IpLiteral.host("[IPv6:::1]"));
        assertEquals(IpLiteral.any("2001:db8::7"), IpLiteral.host("[ipv6:2001:DB8::7]"));
        assertEquals(IpLiteral.any("2001:db8::7"), IpLiteral.host("[2001:db8::7]"));
        assertEquals(IpLiteral.any("192.0.2.1"), IpLiteral.host("[192.0.2.1]"));
        for (String bad : List.of("[IPv6:1.2.3.4]", "[IPv6:]", "[IPv6:::1%lo]", "[IPv6:gg::1]", "[::1", "[IPv6:::ffff:1.2.3.4]",
                "[1:2:3:4:5:6:7:8:9]")) {
            assertNull(IpLiteral.host(bad), bad);
        }
    }
}
