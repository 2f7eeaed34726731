package org.jqmail.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;

/** SMTPUTF8 and 8BITMIME passed on, IDN hosts, IPv6 literals and AAAA exchangers on ::1. */
class IntlTest {
    @TempDir Path dir;
    Harness h;

    @BeforeEach
    void setUp() throws Exception {
        h = new Harness(dir);
    }

    static String utf8(String s) { // as jqmail holds it: one char per byte
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    static Function<String, String> ehlo(String exts) {
        Function<String, String> ok = FakeSmtp.happy();
        return c -> c.startsWith("EHLO") ? "250-x\r\n" + exts + "250 HELP\r\n" : ok.apply(c);
    }

    private List<String> mail(String exts, String sender, String rcpt, String message, String[] out) throws Exception {
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", ehlo(exts))) {
            h.routes = List.of(":127.0.0.1:" + s.port());
            out[0] = h.run("example.com", sender, List.of(rcpt), message);
            for (int i = 0; i < 200 && !s.commands.contains("QUIT"); i++) Thread.sleep(10);
            return new ArrayList<>(s.commands);
        }
    }

    @Test
    void utf8EnvelopeWithSmtputf8() throws Exception {
        String[] out = new String[1];
        List<String> c = mail("250-SMTPUTF8\r\n250-8BITMIME\r\n", utf8("jöe@example.net"), "a@example.com", "hi\n", out);
        assertTrue(out[0].startsWith("r|K"), out[0]);
        assertEquals("MAIL FROM:<" + utf8("jöe@example.net") + "> SMTPUTF8", c.get(1));
    }

    @Test
    void utf8EnvelopeWithoutSmtputf8IsPermanent() throws Exception {
        String[] out = new String[1];
        List<String> c = mail("250-8BITMIME\r\n", "a@b", utf8("jöe@example.com"), "hi\n", out);
        assertEquals("DConnected to 127.0.0.1 but it does not offer SMTPUTF8: non-ASCII addresses not permitted for that"
            + " sender/recipient. (#5.6.7)\nRemote host said: 250-x\n250-8BITMIME\n250 HELP\n|", out[0]);
        assertFalse(c.stream().anyMatch(x -> x.startsWith("MAIL")));
    }

    @Test
    void utf8HeaderWithAndWithoutSmtputf8() throws Exception {
        String msg = utf8("Subject: héllo\n\nbody\n");
        String[] out = new String[1];
        List<String> c = mail("250-SMTPUTF8\r\n250-8BITMIME\r\n", "a@b", "c@example.com", msg, out);
        assertEquals("MAIL FROM:<a@b> BODY=8BITMIME SMTPUTF8", c.get(1));
        mail("250-8BITMIME\r\n", "a@b", "c@example.com", msg, out);
        assertTrue(out[0].startsWith("DConnected to 127.0.0.1 but it does not offer SMTPUTF8: UTF-8 header message cannot be"
            + " transferred to one or more recipients, so the message must be rejected. (#5.6.9)\n"), out[0]);
    }

    @Test
    void eightBitBodyAndLatin1HeaderAreOnly8bitmime() throws Exception {
        String[] out = new String[1];
        assertEquals("MAIL FROM:<a@b> BODY=8BITMIME", mail("250-8BITMIME\r\n", "a@b", "c@x", "Subject: \u00e9\n\nb\n", out).get(1));
        assertEquals("MAIL FROM:<a@b> BODY=8BITMIME", mail("250-8BITMIME\r\n", "a@b", "c@x", "S: x\n\n" + utf8("é") + "\n", out).get(1));
        assertEquals("MAIL FROM:<a@b>", mail("250-8BITMIME\r\n", "a@b", "c@x", "S: x\n\nplain\n", out).get(1), "7-bit: nothing");
        assertEquals("MAIL FROM:<a@b>", mail("", "a@b", "c@x", "S: x\n\n\u00e9\n", out).get(1), "not offered: sent as qmail does");
    }

    @Test
    void aStreamThatCannotRewindIsReplayedIdentically() throws Exception {
        byte[] msg = ("H: " + utf8("ü") + "\n\n.dot\n").getBytes(StandardCharsets.ISO_8859_1);
        var pipe = new FilterInputStream(new ByteArrayInputStream(msg)) {
            @Override
            public boolean markSupported() {
                return false;
            }
        };
        MessageScan scan = MessageScan.of(pipe);
        assertTrue(scan.utf8Header());
        assertTrue(scan.eightBit(), "unknown body: declared 8-bit");
        assertArrayEquals(msg, scan.message().readAllBytes());
        MessageScan seven = MessageScan.of(new ByteArrayInputStream("A: b\r\n\r\nc\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertFalse(seven.utf8Header());
        assertFalse(seven.eightBit());
        assertEquals("A: b\r\n\r\nc\n", new String(seven.message().readAllBytes(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void idnHostIsLookedUpByItsALabels() throws Exception {
        List<String> asked = new ArrayList<>();
        h.dns = (name, type) -> {
            asked.add(name);
            return Dns.Answer.HARD;
        };
        String out = h.run(utf8("bücher.example"), "a@b", List.of(utf8("joe@bücher.example")), "hi\n");
        assertEquals("xn--bcher-kva.example", asked.get(0));
        assertTrue(out.startsWith("DSorry, I couldn't find any host named xn--bcher-kva.example. (#5.1.2)"), out);
        // bytes that are not UTF-8 are no name at all
        assertTrue(h.run("b\u00fccher.example", "a@b", List.of("x@y"), "hi\n").startsWith("DSorry, I couldn't find any host named b?cher"));
    }

    @Test
    void ipv6LiteralOnLoopback() throws Exception {
        FakeSmtp s;
        try {
            s = new FakeSmtp(InetAddress.getByName("::1"), "220 v6\r\n", FakeSmtp.happy());
        } catch (java.io.IOException e) {
            return; // no IPv6 loopback here
        }
        try (s) {
            h.port = s.port();
            h.me = Set.of();
            assertEquals("r|K::1 accepted message.\nRemote host said: 250 ok 123 qp 456\n|",
                h.run("[IPv6:::1]", "a@b", List.of("joe@[IPv6:::1]"), "hi\n"));
            assertEquals("RCPT TO:<joe@[IPv6:::1]>", s.commands.get(2));
            h.me = Set.of(InetAddress.getByName("::1"));
            assertTrue(h.run("[IPv6:::1]", "a@b", List.of("joe@[IPv6:::1]"), "hi\n").startsWith("DSorry. Although I'm listed"),
                "::1 is this host");
        }
    }

    @Test
    void aaaaExchangerOnLoopback() throws Exception {
        FakeSmtp s;
        try {
            s = new FakeSmtp(InetAddress.getByName("::1"), "220 v6\r\n", FakeSmtp.happy());
        } catch (java.io.IOException e) {
            return;
        }
        try (s) {
            h.port = s.port();
            h.me = Set.of();
            h.dns = (name, type) -> {
                try {
                    if (type == DnsClient.MX && name.equals("example.com")) {
                        return new Dns.Answer(Dns.Status.OK, List.of(new MXRecord(Name.fromString("example.com."), DClass.IN, 60, 5,
                            Name.fromString("v6.example.com."))));
                    }
                    if (type == DnsClient.AAAA && name.equals("v6.example.com")) {
                        return new Dns.Answer(Dns.Status.OK, List.of(new AAAARecord(Name.fromString("v6.example.com."), DClass.IN, 60,
                            InetAddress.getByName("::1"))));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return Dns.Answer.HARD;
            };
            assertTrue(h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n").startsWith("r|K::1 accepted"));
        }
    }
}
