package org.jqmail.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jqmail.common.Envelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BounceTest {
    @TempDir Path dir;

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void paragraphIsQsbmf() {
        assertEquals("<joe@example.com>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n",
            text(BounceText.paragraph("joe@example.com", "Sorry, no mailbox here by that name. (#5.1.1)")));
        // a text ending in a newline gets no second one
        assertEquals("<a@b>:\nx\n\n", text(BounceText.paragraph("a@b", "x\n")));
        assertEquals("<a@b>:\n\n", text(BounceText.paragraph("a@b", "")));
    }

    @Test
    void blankLinesInsideAReportBecomeSlashes() {
        assertEquals("<a@b>:\nline1\n/line2\n\n", text(BounceText.paragraph("a@b", "line1\n\nline2\n")));
        assertEquals("<a@b>:\nx\n///y\n\n", text(BounceText.paragraph("a@b", "x\n\n\n\ny")));
    }

    @Test
    void newlineInTheRecipientCannotStartAParagraph() {
        assertEquals("<a_b@c>:\nx\n\n", text(BounceText.paragraph("a\nb@c", "x")));
    }

    @Test
    void bounceGoesToTheSenderFromNullSender() {
        Bounce b = new Bounce("joe@example.org", "MAILER-DAEMON", "mx.example.com", "postmaster@mx.example.com");
        assertEquals(new Envelope("", List.of("joe@example.org")), b.envelope());
        assertFalse(b.triple());
        assertEquals("Date: 14 Nov 2023 22:13:20 -0000\n"
            + "From: MAILER-DAEMON@mx.example.com\n"
            + "To: joe@example.org\n"
            + "Subject: failure notice\n"
            + "\n"
            + "Hi. This is the qmail-send program at mx.example.com.\n"
            + "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
            + "This is a permanent error; I've given up. Sorry it didn't work out.\n"
            + "\n", text(b.head(1_700_000_000L)));
        assertEquals("--- Below this line is a copy of the message.\n\nReturn-Path: <joe@example.org>\n",
            text(b.breakLine()));
    }

    @Test
    void doubleBounceGoesToPostmasterFromHashSender() {
        Bounce b = new Bounce("", "MAILER-DAEMON", "mx.example.com", "postmaster@mx.example.com");
        assertEquals(new Envelope("#@[]", List.of("postmaster@mx.example.com")), b.envelope());
        String head = text(b.head(0));
        assertTrue(head.contains("To: postmaster@mx.example.com\n"));
        assertTrue(head.endsWith("Hi. This is the qmail-send program at mx.example.com.\n"
            + "I tried to deliver a bounce message to this address, but the bounce bounced!\n\n"));
        assertEquals("--- Below this line is the original bounce.\n\nReturn-Path: <>\n", text(b.breakLine()));
    }

    @Test
    void tripleBounceIsRecognised() {
        assertTrue(new Bounce("#@[]", "M", "h", "p@h").triple());
    }

    @Test
    void verpSenderIsCutBack() {
        assertEquals("list-@example.org", Bounce.stripVerp("list-@example.org-@[]"));
        assertEquals("joe@example.org", Bounce.stripVerp("joe@example.org"));
        assertEquals("-@[]", Bounce.stripVerp("-@[]"));
    }

    @Test
    void wholeBounceIsHeadParagraphsBreakAndMessage() throws IOException {
        Path bounceFile = dir.resolve("bounce");
        Path mess = dir.resolve("mess");
        BounceText.append(bounceFile, BounceText.paragraph("a@b", "no."));
        BounceText.append(bounceFile, BounceText.paragraph("c@d", "neither."));
        Files.writeString(mess, "Subject: hi\n\nbody\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Bounce("s@e", "MAILER-DAEMON", "h", "p@h").write(out, bounceFile, mess, 0);
        String s = out.toString(StandardCharsets.ISO_8859_1);
        assertTrue(s.contains("Sorry it didn't work out.\n\n<a@b>:\nno.\n\n<c@d>:\nneither.\n\n--- Below this line is a copy"
            + " of the message.\n\nReturn-Path: <s@e>\nSubject: hi\n\nbody\n"), s);
        // without its mess file the bounce still goes out, without the copy
        Files.delete(mess);
        out.reset();
        new Bounce("s@e", "MAILER-DAEMON", "h", "p@h").write(out, bounceFile, mess, 0);
        assertTrue(out.toString(StandardCharsets.ISO_8859_1).endsWith("Return-Path: <s@e>\n"));
    }

    @Test
    void quotingFollowsQuoteC() {
        assertEquals("MAILER-DAEMON", Quote.local("MAILER-DAEMON"));
        assertEquals("\"a b\"", Quote.local("a b"));
        assertEquals("\"\"", Quote.local(""));
        assertEquals("\".a\"", Quote.local(".a"));
        assertEquals("\"a..b\"", Quote.local("a..b"));
        assertEquals("a.b", Quote.local("a.b"));
        assertEquals("\"q\\\"x\\\\\"", Quote.local("q\"x\\"));
        assertEquals("\"a\\\nb\"@example.com", Quote.address("a\nb@example.com"));
        assertEquals("\"x y@h\"@example.com", Quote.address("x y@h@example.com"));
        assertEquals("", Quote.address(""));
        assertEquals("\"\u00e9\"@x", Quote.address("\u00e9@x"));
    }

    @Test
    void verpSenderPerRecipient() {
        assertEquals("list-joe=example.com@lists.example.org",
            Send.senderAdd("list-@lists.example.org-@[]", "joe@example.com"));
        assertEquals("plain@example.org", Send.senderAdd("plain@example.org", "joe@example.com"));
        assertEquals("-@[]", Send.senderAdd("-@[]", "joe@example.com")); // no @host part
        assertEquals("x-@h-@[]", Send.senderAdd("x-@h-@[]", "nohost"));
        assertEquals("", Send.senderAdd("", "joe@example.com"));
    }
}
