package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jqmail.common.Envelope;
import org.junit.jupiter.api.Test;

/** Command-phase input that no honest client sends. */
class HostileInputTest {
    @Test
    void aHundredKilobyteCommandIsRefusedWholeAndItsTailNeverRuns() throws Exception {
        String tail = "\rQUIT"; // even a line end of sorts inside the junk must not split it
        Session s = new Session().run("NOOP " + "x".repeat(100_000) + tail + "\r\nMAIL FROM:<" + "a".repeat(100_000)
            + ">\r\nNOOP\r\n");
        assertEquals(List.of("500 line too long (#5.5.2)", "500 line too long (#5.5.2)", "250 ok"), s.lines());
        assertEquals(1, s.exit);
    }

    @Test
    void aCommandAtTheLimitIsStillACommand() throws Exception {
        String arg = "x".repeat(Smtpd.MAX_COMMAND - "NOOP \r\n".length()); // MAX_COMMAND counts the LF
        assertEquals(List.of("250 ok"), new Session().run("NOOP " + arg + "\r\n").lines());
        assertEquals(List.of("500 line too long (#5.5.2)"), new Session().run("NOOP " + arg + "x\r\n").lines());
    }

    @Test
    void nulAndBareCrInCommandsAreRefused() throws Exception {
        String bad = "500 NUL or bare CR in command (#5.5.2)";
        Session s = new Session().run("MAIL FROM:<a\0Tvictim@x>\r\nMAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example\0>\r\n"
            + "RCPT TO:<joe@mx.example>\rDATA\r\nNO\0OP\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\n.\r\n");
        assertEquals(List.of(bad, "250 ok", bad, bad, bad, "250 ok", "354 go ahead", "250 ok " + Session.NOW + " qp 4242"), s.lines());
        assertEquals(new Envelope("a@b", List.of("joe@mx.example")), s.queue.queued().get(0).envelope);
    }

    @Test
    void aBareLfEndsACommandAsInQmail() throws Exception {
        assertEquals(List.of("250 mx.example", "221 mx.example"), new Session().run("HELO x\nQUIT\n").lines());
    }

    @Test
    void tenThousandRecipientsStopAtTheLimit() throws Exception {
        StringBuilder in = new StringBuilder("MAIL FROM:<a@b>\r\n");
        for (int i = 0; i < 10_000; i++) in.append("RCPT TO:<r").append(i).append("@mx.example>\r\n");
        in.append("DATA\r\n.\r\n");
        Session s = new Session().run(in.toString());
        List<String> l = s.lines();
        assertEquals(1 + 10_000 + 2, l.size());
        assertEquals(Smtpd.MAX_RECIPIENTS + 1, l.stream().filter("250 ok"::equals).count());
        assertEquals(10_000 - Smtpd.MAX_RECIPIENTS, l.stream().filter("452 too many recipients (#4.5.3)"::equals).count());
        assertEquals("452 too many recipients (#4.5.3)", l.get(Smtpd.MAX_RECIPIENTS + 1));
        List<String> r = s.queue.queued().get(0).envelope.recipients();
        assertEquals(Smtpd.MAX_RECIPIENTS, r.size());
        assertEquals("r999@mx.example", r.get(r.size() - 1));
    }

    @Test
    void addressesWithSourceRoutesQuotesAndEightBitBytes() throws Exception {
        Session s = new Session().run("MAIL FROM:<@relay1.example,@relay2.example:alice@example.net>\r\n"
            + "RCPT TO:<\"joe smith\"@mx.example>\r\nRCPT TO:<\"a>b\\\"c\"@mx.example>\r\nRCPT TO:<j\u00f6rg@mx.example>\r\n"
            + "RCPT TO: bare@mx.example SIZE=1\r\nRCPT TO:<box@[127.0.0.1]>\r\nDATA\r\n.\r\n");
        assertEquals(new Envelope("alice@example.net",
            List.of("joe smith@mx.example", "a>b\"c@mx.example", "j\u00f6rg@mx.example", "bare@mx.example", "box@mx.example")),
            s.queue.queued().get(0).envelope);
        byte[] env = s.queue.queued().get(0).envelope.encode();
        assertTrue(new String(env, java.nio.charset.StandardCharsets.ISO_8859_1).contains("Tj\u00f6rg@mx.example\0"));
        assertTrue(java.util.Arrays.equals(new byte[] {'j', (byte) 0xf6, 'r'},
            java.util.Arrays.copyOfRange(env, indexOf(env, (byte) 0xf6) - 1, indexOf(env, (byte) 0xf6) + 2)),
            "the 8-bit byte is in the envelope as the client sent it");
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) if (b[i] == x) return i;
        return -1;
    }

    @Test
    void addressSyntaxErrors() throws Exception {
        String syntax = "555 syntax error (#5.5.4)";
        Session s = new Session().run("MAIL FROM:<" + "a".repeat(901) + ">\r\nMAIL FROM:<a\tb@c>\r\nMAIL FROM:<a@b>\r\n"
            + "RCPT TO:<>\r\nRCPT TO:<a\u007f@mx.example>\r\nRCPT TO:<" + "b".repeat(890) + "@mx.example>\r\n");
        assertEquals(List.of(syntax, syntax, "250 ok", syntax, syntax, syntax), s.lines());
        assertEquals(List.of("250 ok"), new Session().run("MAIL FROM:<" + "a".repeat(900) + ">\r\n").lines());
    }
}
