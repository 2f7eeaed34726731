package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SMTPUTF8 (RFC 6531), 8BITMIME, and the IPv6 forms an address and the environment may take. */
class Smtputf8Test {
    /** UTF-8 bytes as the ISO-8859-1 chars the session works in. */
    static String bytes(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void utf8AddressesWithTheParameter() throws Exception {
        Session s = new Session().run("EHLO x\r\nMAIL FROM:<" + bytes("jürgen@bücher.example") + "> SMTPUTF8 BODY=8BITMIME\r\n"
            + "RCPT TO:<" + bytes("δοκιμή@mx.example") + ">\r\nDATA\r\n" + bytes("Subject: grüße") + "\r\n\r\n.\r\n");
        assertEquals("250 ok " + Session.NOW + " qp 4242", s.lines().get(s.lines().size() - 1));
        FakeQueue.Run r = s.queue.queued().get(0);
        assertEquals(bytes("jürgen@bücher.example"), r.envelope.sender());
        assertEquals(List.of(bytes("δοκιμή@mx.example")), r.envelope.recipients());
        assertTrue(r.text().contains(" with UTF8SMTP; "), r.text());
    }

    @Test
    void withTheParameterAddressesMustBeUtf8() throws Exception {
        assertEquals(List.of(Utf8.INVALID), new Session().run("MAIL FROM:<j\u00fcrgen@x> SMTPUTF8\r\n").lines());
        assertEquals(List.of(Utf8.INVALID), new Session().run("MAIL FROM:<\u00c0\u00af@x> smtputf8\r\n").lines(), "overlong /");
        assertEquals(List.of(Utf8.INVALID), new Session().run("MAIL FROM:<\u00ed\u00a0\u0080@x> SMTPUTF8\r\n").lines(), "a surrogate");
        assertEquals(List.of("250 ok", Utf8.INVALID), new Session().run("MAIL FROM:<a@x> SMTPUTF8\r\nRCPT TO:<\u00ff@mx.example>\r\n").lines());
    }

    @Test
    void withoutTheParameterEightBitBytesPassAsInQmail() throws Exception {
        Session s = new Session().run("MAIL FROM:<j\u00fcrgen@x>\r\nRCPT TO:<\u00ff@mx.example>\r\nDATA\r\n.\r\n");
        assertEquals("j\u00fcrgen@x", s.queue.queued().get(0).envelope.sender());
        assertTrue(s.queue.queued().get(0).text().contains(" with SMTP; "));
    }

    @Test
    void aNewMailForgetsTheParameter() throws Exception {
        assertEquals(List.of("250 ok", "250 ok", "250 ok"),
            new Session().run("MAIL FROM:<a@x> SMTPUTF8\r\nMAIL FROM:<b@x>\r\nRCPT TO:<\u00ff@mx.example>\r\n").lines());
    }

    @Test
    void parameterNamesAreWholeWords() {
        assertTrue(new MailAddress("a", " SIZE=10 SMTPUTF8").hasParam("smtputf8"));
        assertTrue(!new MailAddress("a", " SMTPUTF8X").hasParam("SMTPUTF8"));
        assertTrue(!new MailAddress("a", " XSMTPUTF8").hasParam("SMTPUTF8"));
        assertTrue(!new MailAddress("a", "").hasParam("SMTPUTF8"));
    }

    @Test
    void ipv6LiteralsAreKeptAsSent() throws Exception {
        Session s = new Session();
        s.rcpthosts = List.of("[IPv6:2001:db8::1]");
        s.run("MAIL FROM:<a@[IPv6:2001:db8::2]>\r\nRCPT TO:<joe@[IPv6:2001:db8::1]>\r\nRCPT TO:<joe@[IPv6:::1]>\r\n");
        assertEquals(List.of("250 ok", "250 ok", "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"), s.lines());
    }

    @Test
    void anIpv6PeerInTheReceivedLine() throws Exception {
        Session s = new Session();
        s.peer = new Peer("::1", "unknown", null, "mx.example", null);
        s.run("MAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\n.\r\n");
        assertTrue(s.queue.queued().get(0).text().startsWith("Received: from unknown (::1)\n"), s.queue.queued().get(0).text());
        s = new Session();
        s.peer = new Peer("::ffff:127.0.0.1", "unknown", null, "mx.example", null);
        s.run("MAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\n.\r\n");
        assertTrue(s.queue.queued().get(0).text().startsWith("Received: from unknown (::ffff:127.0.0.1)\n"));
    }
}
