package org.jqmail.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * STARTTLS, SMTPS and control/tlsdestinations against scripted servers that do real TLS with
 * certificates keytool makes for the test: opportunistic and verifying rules, expired and self-signed
 * certificates, names, SNI, handshake failures and the next MX, plaintext after the 220.
 */
class TlsDeliveryTest {
    @TempDir static Path certs;
    static TestCerts good;    // self-signed, mx.example.com + 127.0.0.1 + ::1, valid now
    static TestCerts expired; // the same names, expired three days ago

    @TempDir Path dir;
    Harness h;
    final List<String> asked = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        good = TestCerts.make(certs, "good", "mx.example.com", "dns:mx.example.com,ip:127.0.0.1,ip:::1", 0, 30);
        expired = TestCerts.make(certs, "expired", "mx.example.com", "dns:mx.example.com,ip:127.0.0.1", -10, 7);
    }

    @BeforeEach
    void setUp() throws Exception {
        h = new Harness(dir);
        h.me = java.util.Set.of();
        // mx.example.com and other.example.com are 127.0.0.1; example.net has two exchangers
        h.dns = (name, type) -> {
            asked.add(name);
            List<Record> rs = new ArrayList<>();
            try {
                Name n = Name.fromString(name + ".");
                if (type == DnsClient.A && (name.equals("mx.example.com") || name.equals("other.example.com")
                        || name.equals("mx1.example.net"))) {
                    rs.add(new ARecord(n, DClass.IN, 60, InetAddress.getByName("127.0.0.1")));
                }
                if (type == DnsClient.A && name.equals("mx2.example.net")) {
                    rs.add(new ARecord(n, DClass.IN, 60, InetAddress.getByName("127.0.0.2")));
                }
                if (type == DnsClient.MX && name.equals("example.net")) {
                    rs.add(new MXRecord(n, DClass.IN, 60, 10, Name.fromString("mx1.example.net.")));
                    rs.add(new MXRecord(n, DClass.IN, 60, 20, Name.fromString("mx2.example.net.")));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return rs.isEmpty() ? Dns.Answer.HARD : new Dns.Answer(Dns.Status.OK, rs);
        };
    }

    static final String EHLO_TLS = "250-fake\r\n250-STARTTLS\r\n250 8BITMIME\r\n";

    /** The happy script, whose EHLO offers STARTTLS (once: not after the handshake, as RFC 3207 wants). */
    static Function<String, String> tlsScript() {
        Function<String, String> ok = FakeSmtp.happy();
        boolean[] done = {false};
        return cmd -> {
            if (cmd.startsWith("EHLO")) return done[0] ? "250-fake\r\n250 8BITMIME\r\n" : EHLO_TLS;
            if (cmd.equals("STARTTLS")) {
                done[0] = true;
                return "220 ready for tls\r\n";
            }
            return ok.apply(cmd);
        };
    }

    private FakeSmtp server(TestCerts c, Function<String, String> script) throws Exception {
        FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 fake ESMTP\r\n", script);
        if (c != null) s.tls = c.serverContext();
        return s;
    }

    private String send(FakeSmtp s) {
        h.routes = List.of("example.com:mx.example.com:" + s.port());
        return h.run("example.com", "a@b", List.of("joe@example.com"), "Subject: t\n\nhi\n");
    }

    @Test
    void opportunisticStartTlsWithSniAndTheResultInTheReport() throws Exception {
        try (FakeSmtp s = server(good, tlsScript())) {
            String out = send(s);
            assertTrue(out.startsWith("r|K127.0.0.1 accepted message.\nRemote host said: 250 ok 123 qp 456\nTLS: TLSv1.3 TLS_"), out);
            assertTrue(out.endsWith(", certificate not verified\n|"), out);
            assertEquals(List.of("EHLO helo.example.net", "STARTTLS", "<tls>", "EHLO helo.example.net",
                "MAIL FROM:<a@b>"), s.commands.subList(0, 5));
            assertEquals(List.of("mx.example.com"), s.sni);
        }
    }

    @Test
    void expiredAndSelfSignedAreTakenWhenOpportunistic() throws Exception {
        try (FakeSmtp s = server(expired, tlsScript())) {
            assertTrue(send(s).startsWith("r|K127.0.0.1 accepted message."));
        }
    }

    @Test
    void expiredIsRefusedUnderVerifyEvenWithItsOwnCa() throws Exception {
        h.tlsDestinations = List.of("example.com:" + expired.pem);
        try (FakeSmtp s = server(expired, tlsScript())) {
            String out = send(s);
            assertTrue(out.startsWith("ZConnected to 127.0.0.1 but TLS negotiation failed: "), out);
            assertTrue(out.endsWith(". (#4.7.5)\n|"), out);
            assertFalse(s.commands.stream().anyMatch(c -> c.startsWith("MAIL")));
        }
    }

    @Test
    void selfSignedIsRefusedAgainstTheJdksCas() throws Exception {
        h.tlsDestinations = List.of("example.com:");
        try (FakeSmtp s = server(good, tlsScript())) {
            assertTrue(send(s).startsWith("ZConnected to 127.0.0.1 but TLS negotiation failed: "));
        }
    }

    @Test
    void verifiedChainAndName() throws Exception {
        h.tlsDestinations = List.of("=example.com:" + good.pem);
        try (FakeSmtp s = server(good, tlsScript())) {
            String out = send(s);
            assertTrue(out.startsWith("r|K127.0.0.1 accepted message."), out);
            assertTrue(out.endsWith(", certificate verified for mx.example.com\n|"), out);
        }
    }

    /**
     * The rule's context is kept (TlsContexts), so the second delivery to the same server can resume the
     * first one's TLS session, and is still verified and named in the report as the first.
     */
    @Test
    void aSecondDeliveryUnderTheSameRuleKeepsItsContextAndIsStillVerified() throws Exception {
        h.tlsDestinations = List.of("=example.com:" + good.pem);
        TlsDestinations.Rule rule = new TlsDestinations(h.tlsDestinations).lookup("example.com");
        // a CA file changed within the last two seconds is not kept (TlsContexts): this one was just made
        java.nio.file.Files.setLastModifiedTime(good.pem, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        java.util.concurrent.atomic.AtomicReference<Function<String, String>> script = new java.util.concurrent.atomic.AtomicReference<>(tlsScript());
        Function<String, String> everyConnection = cmd -> {
            String reply = script.get().apply(cmd);
            if (cmd.equals("QUIT")) script.set(tlsScript()); // STARTTLS offered again on the next connection
            return reply;
        };
        try (FakeSmtp s = server(good, everyConnection)) {
            String first = send(s);
            javax.net.ssl.SSLContext kept = TlsClient.context(rule, dir);
            assertTrue(kept.getClientSessionContext().getIds().hasMoreElements(), "the first session is cached");
            s.commands.clear();
            String second = h.run("example.com", "a@b", List.of("joe@example.com"), "Subject: t\n\nhi\n");
            assertTrue(first.endsWith(", certificate verified for mx.example.com\n|"), first);
            assertTrue(second.endsWith(", certificate verified for mx.example.com\n|"), second);
            assertTrue(kept == TlsClient.context(rule, dir), "one context for the rule");
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        h.tlsDestinations = List.of("=example.com:" + good.pem);
        try (FakeSmtp s = server(good, tlsScript())) {
            h.routes = List.of("example.com:other.example.com:" + s.port());
            String out = h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n");
            assertEquals("ZConnected to 127.0.0.1 but TLS negotiation failed: the certificate does not name other.example.com."
                + " (#4.7.5)\n|", out);
        }
    }

    @Test
    void chainOnlyRuleDoesNotCheckTheName() throws Exception {
        h.tlsDestinations = List.of(".com:" + good.pem); // a dot-suffix line covers example.com
        try (FakeSmtp s = server(good, tlsScript())) {
            h.routes = List.of("example.com:other.example.com:" + s.port());
            String out = h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n");
            assertTrue(out.endsWith(", certificate chain verified\n|"), out);
        }
    }

    @Test
    void requiredButNotOfferedTriesTheNextMx() throws Exception {
        h.tlsDestinations = List.of("-example.net:");
        try (FakeSmtp plain = new FakeSmtp(Harness.LOOP1, "220 x\r\n", FakeSmtp.happy());
             FakeSmtp tls = new FakeSmtp(Harness.LOOP2, plain.port(), "220 y\r\n", tlsScript())) {
            tls.tls = good.serverContext();
            h.port = plain.port();
            String out = h.run("example.net", "a@b", List.of("joe@example.net"), "hi\n");
            assertTrue(out.startsWith("r|K127.0.0.2 accepted message."), out);
            assertFalse(plain.commands.stream().anyMatch(c -> c.startsWith("MAIL")), "no mail in plaintext");
        }
    }

    @Test
    void requiredAndNotOfferedAnywhereIsTemporary() throws Exception {
        h.tlsDestinations = List.of("+*:");
        try (FakeSmtp s = server(null, FakeSmtp.happy())) {
            // the EHLO reply is the evidence
            assertEquals("ZConnected to 127.0.0.1 but it does not offer STARTTLS, and control/tlsdestinations requires TLS."
                + " (#4.7.10)\nRemote host said: 250 ok\n|", send(s));
        }
    }

    @Test
    void failedHandshakeTriesTheNextMx() throws Exception {
        // the first exchanger says 220 to STARTTLS and hangs up; the second does TLS
        Function<String, String> broken = cmd -> cmd.equals("STARTTLS") ? "220 go ahead\r\n" + FakeSmtp.CLOSE
            : tlsScript().apply(cmd);
        try (FakeSmtp bad = new FakeSmtp(Harness.LOOP1, "220 x\r\n", broken);
             FakeSmtp ok = new FakeSmtp(Harness.LOOP2, bad.port(), "220 y\r\n", tlsScript())) {
            ok.tls = good.serverContext();
            h.port = bad.port();
            assertTrue(h.run("example.net", "a@b", List.of("joe@example.net"), "hi\n").startsWith("r|K127.0.0.2 accepted"));
        }
    }

    @Test
    void failedHandshakeIsTemporaryAndNeverFallsBackToPlaintext() throws Exception {
        Function<String, String> garbage = cmd -> cmd.equals("STARTTLS") ? "220 go ahead\r\n" : tlsScript().apply(cmd);
        try (FakeSmtp s = server(null, garbage)) { // says 220, then reads the ClientHello as a command line
            h.timeoutRemote = 1;
            String out = send(s);
            assertTrue(out.startsWith("ZConnected to 127.0.0.1 but TLS negotiation failed: "), out);
            assertFalse(s.commands.stream().anyMatch(c -> c.startsWith("MAIL")));
        }
    }

    @Test
    void plaintextPipelinedAfterThe220IsRefused() throws Exception {
        Function<String, String> evil = cmd -> cmd.equals("STARTTLS") ? "220 go ahead\r\n250 injected\r\n" : tlsScript().apply(cmd);
        try (FakeSmtp s = server(good, evil)) {
            String out = send(s);
            assertTrue(out.startsWith("ZConnected to 127.0.0.1 but TLS negotiation failed: "), out);
            assertFalse(s.commands.stream().anyMatch(c -> c.startsWith("MAIL")));
        }
    }

    @Test
    void refusedStartTlsGoesOnInPlaintextUnlessRequired() throws Exception {
        Function<String, String> no = cmd -> cmd.equals("STARTTLS") ? "454 TLS not available\r\n" : tlsScript().apply(cmd);
        try (FakeSmtp s = server(good, no)) {
            assertEquals("r|K127.0.0.1 accepted message.\nRemote host said: 250 ok 123 qp 456\n|", send(s));
            h.tlsDestinations = List.of("-example.com:");
            assertEquals("ZConnected to 127.0.0.1 but STARTTLS was refused, and control/tlsdestinations requires TLS."
                + " (#4.7.10)\nRemote host said: 454 TLS not available\n|", send(s));
        }
    }

    @Test
    void neverRuleSkipsStartTls() throws Exception {
        h.tlsDestinations = List.of("!example.com:", "+*:");
        try (FakeSmtp s = server(good, tlsScript())) {
            assertEquals("r|K127.0.0.1 accepted message.\nRemote host said: 250 ok 123 qp 456\n|", send(s));
            assertFalse(s.commands.contains("STARTTLS"));
        }
    }

    @Test
    void smtpsFromTheFirstByte() throws Exception {
        try (FakeSmtp s = server(good, FakeSmtp.happy())) {
            s.smtps = true;
            h.tlsDestinations = List.of("example.com:" + good.pem + ";s" + s.port());
            h.routes = List.of("example.com:mx.example.com"); // port 25, overruled by the rule's port
            String out = h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n");
            assertTrue(out.startsWith("r|K127.0.0.1 accepted message."), out);
            assertTrue(out.endsWith(", certificate chain verified\n|"), out);
            assertFalse(s.commands.contains("STARTTLS"));
        }
    }

    @Test
    void ipv6WithTls() throws Exception {
        FakeSmtp s;
        try {
            s = new FakeSmtp(InetAddress.getByName("::1"), "220 v6\r\n", tlsScript());
        } catch (java.io.IOException e) {
            return; // no IPv6 loopback on this machine
        }
        try (s) {
            s.tls = good.serverContext();
            h.port = s.port();
            h.tlsDestinations = List.of("=[ipv6:::1]:" + good.pem);
            String out = h.run("[IPv6:::1]", "a@b", List.of("joe@[IPv6:::1]"), "hi\n");
            assertTrue(out.startsWith("r|K::1 accepted message."), out);
            assertTrue(out.endsWith(", certificate verified for ::1\n|"), out);
            assertEquals(List.of(), s.sni, "no SNI for an address");
        }
    }
}
