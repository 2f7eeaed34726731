package org.jqmail.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jqmail.common.ControlFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** smtproutes, quoting, address literals, DNS server settings, controls: with hostile input. */
class ParsersTest {
    @TempDir Path dir;

    @Test
    void smtproutesLookupOrder() throws Exception {
        SmtpRoutes r = new SmtpRoutes(List.of("inside.af.mil:firewall.af.mil:26", ".af.mil:", ":heaven.af.mil",
            "Upper.Example:relay", "nocolon", "mx.only::2525", "inside.af.mil:ignored-second"));
        assertEquals(new SmtpRoutes.Route("firewall.af.mil", 26), r.lookup("inside.af.mil"));
        assertNull(r.lookup("x.af.mil"), ".af.mil: = MX as usual");
        assertEquals(new SmtpRoutes.Route("heaven.af.mil", 25), r.lookup("af.mil"));
        assertEquals(new SmtpRoutes.Route("relay", 25), r.lookup("upper.EXAMPLE"));
        assertEquals(new SmtpRoutes.Route(null, 2525), r.lookup("mx.only"));
        assertEquals(new SmtpRoutes.Route("heaven.af.mil", 25), r.lookup(""));
        assertNull(new SmtpRoutes(List.of()).lookup("example.com"));
    }

    @Test
    void smtproutesBadPortIsAControlError() {
        for (String bad : List.of("a:b:", "a:b:0", "a:b:65536", "a:b:25x", "a:b:-1", "a:b:99999999999")) {
            Verdict v = assertThrows(Verdict.class, () -> new SmtpRoutes(List.of(bad)).lookup("a"));
            assertEquals("ZUnable to read control files. (#4.3.0)\n", v.letter() + v.text());
        }
    }

    @Test
    void quoting() {
        assertEquals("joe@example.com", Quote.address("joe@example.com"));
        assertEquals("", Quote.address(""));
        assertEquals("#@[]", Quote.address("#@[]"));
        assertEquals("\"\"@example.com", Quote.address("@example.com"));
        assertEquals("\"a b\"@x", Quote.address("a b@x"));
        assertEquals("\"a\\\"b\\\\c\"@x", Quote.address("a\"b\\c@x"));
        assertEquals("\"a@b\"@x", Quote.address("a@b@x"));
        assertEquals("\".a\"@x", Quote.address(".a@x"));
        assertEquals("\"a..b\"@x", Quote.address("a..b@x"));
        assertEquals("\"\u00e9\"@x", Quote.address("\u00e9@x"));
        assertEquals("\"a\\\r\\\nb\"@x", Quote.address("a\r\nb@x"));
        assertEquals("a.b+c=d@x", Quote.address("a.b+c=d@x"));
    }

    @Test
    void literals() {
        assertEquals("1.2.3.4", IpLiteral.host("[1.2.3.4]").getHostAddress());
        assertEquals("1.2.3.4", IpLiteral.host("1.2.3.4").getHostAddress());
        for (String bad : List.of("1.2.3", "1.2.3.4.5", "256.1.1.1", "[1.2.3.4", "1..2.3", "a.b.c.d", "", "[]",
                "1.2.3.4 ", "01234567890.1.1.1", "example.com")) {
            assertNull(IpLiteral.host(bad), bad);
        }
        assertNull(IpLiteral.any("zz::zz"));
        assertEquals("0:0:0:0:0:0:0:1", IpLiteral.any("::1").getHostAddress());
        assertEquals("::1", IpLiteral.format(IpLiteral.any("::1")), "reports name it as tcpserver-ipv6 does");
        assertEquals("2001:db8::7", IpLiteral.format(IpLiteral.host("[IPv6:2001:DB8:0:0:0:0:0:7]")));
    }

    @Test
    void dnsServersPrecedence() throws Exception {
        Path control = Files.createDirectory(dir.resolve("control"));
        Path resolv = dir.resolve("resolv.conf");
        Files.writeString(resolv, "# comment\nsearch example.com\nnameserver 10.0.0.1\nnameserver bogus\nnameserver fe80::1%eth0\n");
        ControlFile c = new ControlFile(control);
        assertEquals(List.of(new InetSocketAddress(IpLiteral.any("10.0.0.1"), 53), new InetSocketAddress(IpLiteral.any("fe80::1"), 53)),
            DnsServers.find(null, c, resolv));
        Files.writeString(control.resolve("dnsip"), "127.0.0.1:5353\n[::1]:53\n::1\n");
        assertEquals(List.of(new InetSocketAddress(IpLiteral.any("127.0.0.1"), 5353),
            new InetSocketAddress(IpLiteral.any("::1"), 53), new InetSocketAddress(IpLiteral.any("::1"), 53)),
            DnsServers.find(null, c, resolv));
        assertEquals(List.of(new InetSocketAddress(IpLiteral.any("127.0.0.2"), 53), new InetSocketAddress(IpLiteral.any("127.0.0.3"), 54)),
            DnsServers.find(" 127.0.0.2  127.0.0.3:54 ", c, resolv));
        assertThrows(java.io.IOException.class, () -> DnsServers.find("ns.example.com", c, resolv));
        Files.writeString(control.resolve("dnsip"), "127.0.0.1:99999\n");
        assertThrows(java.io.IOException.class, () -> DnsServers.find(null, c, resolv));
        Files.delete(control.resolve("dnsip"));
        assertEquals(List.of(new InetSocketAddress(IpLiteral.any("127.0.0.1"), 53)), DnsServers.find(null, c, dir.resolve("none")));
    }

    @Test
    void controls() throws Exception {
        Path control = Files.createDirectory(dir.resolve("control"));
        ControlFile c = new ControlFile(control);
        Path resolv = dir.resolve("none");
        Verdict v = assertThrows(Verdict.class, () -> Controls.read(dir, c, null, resolv));
        assertEquals("Unable to read control files. (#4.3.0)\n", v.text(), "neither helohost nor me");
        Files.writeString(control.resolve("me"), "mail.example.com\n");
        Controls k = Controls.read(dir, c, null, resolv);
        assertEquals("mail.example.com", k.helohost());
        assertEquals(60, k.timeoutConnect());
        assertEquals(1200, k.timeoutRemote());
        Files.writeString(control.resolve("helohost"), "helo.example.com\n");
        Files.writeString(control.resolve("timeoutremote"), "0\n");
        Files.writeString(control.resolve("outgoingip"), "127.0.0.1\n");
        k = Controls.read(dir, c, null, resolv);
        assertEquals("helo.example.com", k.helohost());
        assertEquals(1, k.timeoutRemote());
        assertEquals("127.0.0.1", k.outgoingIp().getHostAddress());
        Files.writeString(control.resolve("outgoingip"), "example.com\n");
        assertThrows(Verdict.class, () -> Controls.read(dir, c, null, resolv));
        Files.delete(control.resolve("outgoingip"));
        Files.writeString(control.resolve("timeoutconnect"), "sixty\n");
        assertThrows(Verdict.class, () -> Controls.read(dir, c, null, resolv));
    }

    @Test
    void usageAndReports() {
        java.io.ByteArrayOutputStream usage = new java.io.ByteArrayOutputStream();
        assertEquals(0, new RemoteRun(Path.of("/nonexistent"), null).deliver(List.of("host", "sender"),
            java.io.InputStream.nullInputStream(), usage, 0, 1, new java.util.Random(1)));
        assertEquals("DI (qmail-remote) was invoked improperly. (#5.3.5)\n\0",
            usage.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals("a?b?c", Reports.safe("a\nb\u00e9c"));
        Reports r = new Reports();
        r.recipient('r', "");
        r.message('K', "x\0y");
        assertEquals("r\0Kx?y\0", new String(r.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThrows(IllegalStateException.class, () -> r.recipient('r', ""));
    }
}
