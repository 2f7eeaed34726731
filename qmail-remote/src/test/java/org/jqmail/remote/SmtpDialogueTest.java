package org.jqmail.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qmail-remote against scripted SMTP servers: every stage, every reply class, the wire bytes. */
class SmtpDialogueTest {
    @TempDir Path dir;
    Harness h;

    @BeforeEach
    void setUp() throws Exception {
        h = new Harness(dir);
    }

    private String deliver(String greeting, Function<String, String> script, List<String> rcpts) throws Exception {
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, greeting, script)) {
            h.routes = List.of("example.com:127.0.0.1:" + s.port());
            return h.run("example.com", "alice@example.net", rcpts, "Subject: x\n\nhi\n");
        }
    }

    private String deliver(Function<String, String> script) throws Exception {
        return deliver("220 fake ESMTP\r\n", script, List.of("joe@example.com"));
    }

    /** The happy script, with {@code verb} answered by {@code reply}. */
    private static Function<String, String> failing(String verb, String reply) {
        Function<String, String> ok = FakeSmtp.happy();
        return cmd -> cmd.toUpperCase().startsWith(verb) ? reply : ok.apply(cmd);
    }

    @Test
    void success() throws Exception {
        assertEquals("r|K127.0.0.1 accepted message.\nRemote host said: 250 ok 123 qp 456\n|", deliver(FakeSmtp.happy()));
    }

    @Test
    void dialogueIsQmails() throws Exception {
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", FakeSmtp.happy())) {
            h.routes = List.of(":127.0.0.1:" + s.port());
            h.run("example.com", "alice@example.net", List.of("joe@example.com"), "a\n");
            // qmail-remote is done once it has sent QUIT; the server thread may not have read it yet.
            for (int i = 0; i < 500 && s.commands.size() < 6; i++) Thread.sleep(10);
            // EHLO since the TLS work (qmail sent HELO); a server without extensions gets the same dialogue
            assertEquals(List.of("EHLO helo.example.net", "MAIL FROM:<alice@example.net>", "RCPT TO:<joe@example.com>",
                "DATA", ".", "QUIT"), s.commands.subList(0, 6));
        }
    }

    /** The happy script with PIPELINING in the EHLO reply, and {@code verb} answered by {@code reply}. */
    private static Function<String, String> pipelining(String verb, String reply) {
        Function<String, String> f = failing(verb, reply);
        return cmd -> cmd.startsWith("EHLO") ? "250-fake\r\n250-8BITMIME\r\n250 PIPELINING\r\n" : f.apply(cmd);
    }

    private String deliverPipelined(Function<String, String> script, List<String> rcpts) throws Exception {
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 fake ESMTP\r\n", script)) {
            s.holdUntilData = true; // a client that does not pipeline would wait for MAIL's reply for ever
            h.timeoutRemote = 2;
            h.routes = List.of("example.com:127.0.0.1:" + s.port());
            return h.run("example.com", "alice@example.net", rcpts, "Subject: x\n\nhi\n");
        }
    }

    @Test
    void pipeliningSendsMailRcptsAndDataAtOnceAndReportsTheSame() throws Exception {
        List<String> rcpts = List.of("bad@example.com", "later@example.com", "good@example.com");
        Function<Function<String, String>, Function<String, String>> withRecipients = ok -> cmd -> cmd.contains("<bad@")
            ? "550 no such user\r\n" : cmd.contains("<later@") ? "452 full\r\n" : ok.apply(cmd);
        String pipelined = deliverPipelined(withRecipients.apply(pipelining("none", "")), rcpts);
        assertEquals("h127.0.0.1 does not like recipient.\nRemote host said: 550 no such user\n|"
            + "s127.0.0.1 does not like recipient.\nRemote host said: 452 full\n|"
            + "r|K127.0.0.1 accepted message.\nRemote host said: 250 ok 123 qp 456\n|", pipelined);
        assertEquals(pipelined, deliver("220 x\r\n", withRecipients.apply(FakeSmtp.happy()), rcpts));
    }

    @Test
    void pipelinedFailuresReportAsOneAtATime() throws Exception {
        List<String> one = List.of("joe@example.com");
        for (String[] c : new String[][] {{"MAIL", "553 no\r\n"}, {"MAIL", "451 later\r\n"}, {"RCPT", "550 no\r\n"},
            {"DATA", "554 no data\r\n"}, {"DATA", "451 no data\r\n"}, {".", "554 spam\r\n"}}) {
            assertEquals(deliver(failing(c[0], c[1])), deliverPipelined(pipelining(c[0], c[1]), one), c[0] + " " + c[1]);
        }
    }

    @Test
    void noRecipientButDataAcceptedGetsALoneDot() throws Exception {
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", pipelining("RCPT", "550 no\r\n"))) {
            h.routes = List.of("example.com:127.0.0.1:" + s.port());
            assertEquals("h127.0.0.1 does not like recipient.\nRemote host said: 550 no\n|DGiving up on 127.0.0.1.\n|",
                h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n"));
            for (int i = 0; i < 500 && s.commands.size() < 6; i++) Thread.sleep(10);
            // the 354 (which a server should not give here) is followed by an empty message, not by QUIT as data
            assertEquals(List.of("EHLO helo.example.net", "MAIL FROM:<a@b>", "RCPT TO:<joe@example.com>", "DATA", ".", "QUIT"),
                s.commands.subList(0, 6));
            assertEquals(0, s.data.length);
        }
    }

    @Test
    void aLongRecipientListGoesOneAtATime() throws Exception {
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 400; i++) many.add("recipient-number-" + i + "@example.com");
        assertEquals(null, Smtp.group("MAIL FROM:<a@b>\r\n", many));
        assertEquals("MAIL FROM:<a@b>\r\nRCPT TO:<x@y>\r\nDATA\r\n", Smtp.group("MAIL FROM:<a@b>\r\n", List.of("x@y")));
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", pipelining("none", ""))) {
            h.routes = List.of("example.com:127.0.0.1:" + s.port());
            String report = h.run("example.com", "a@b", many, "hi\n");
            assertEquals("r|".repeat(400) + "K127.0.0.1 accepted message.\nRemote host said: 250 ok 123 qp 456\n|", report);
        }
    }

    @Test
    void greetingFailures() throws Exception {
        assertEquals("ZConnected to 127.0.0.1 but greeting failed.\nRemote host said: 554 go away\n|",
            deliver("554 go away\r\n", FakeSmtp.happy(), List.of("joe@example.com")));
        assertEquals("ZConnected to 127.0.0.1 but greeting failed.\nRemote host said: 421 busy\n|",
            deliver("421 busy\r\n", FakeSmtp.happy(), List.of("joe@example.com")));
    }

    @Test
    void heloRejected() throws Exception {
        Function<String, String> neither = cmd -> cmd.startsWith("EHLO") ? "500 what?\r\n" : failing("HELO", "501 who?\r\n").apply(cmd);
        assertEquals("ZConnected to 127.0.0.1 but my name was rejected.\nRemote host said: 501 who?\n|", deliver(neither));
    }

    @Test
    void ehloRefusedFallsBackToHelo() throws Exception {
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", failing("EHLO", "502 unimplemented\r\n"))) {
            h.routes = List.of("example.com:127.0.0.1:" + s.port());
            assertTrue(h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n").startsWith("r|K127.0.0.1 accepted"));
            assertEquals(List.of("EHLO helo.example.net", "HELO helo.example.net", "MAIL FROM:<a@b>"), s.commands.subList(0, 3));
        }
    }

    @Test
    void senderRejected() throws Exception {
        assertEquals("DConnected to 127.0.0.1 but sender was rejected.\nRemote host said: 553 no\n|",
            deliver(failing("MAIL", "553 no\r\n")));
        assertEquals("ZConnected to 127.0.0.1 but sender was rejected.\nRemote host said: 451 later\n|",
            deliver(failing("MAIL", "451 later\r\n")));
    }

    @Test
    void recipientsOneByOne() throws Exception {
        Function<String, String> ok = FakeSmtp.happy();
        Function<String, String> script = cmd -> cmd.contains("<bad@") ? "550 no such user\r\n"
            : cmd.contains("<later@") ? "452 full\r\n" : ok.apply(cmd);
        assertEquals("h127.0.0.1 does not like recipient.\nRemote host said: 550 no such user\n|"
            + "s127.0.0.1 does not like recipient.\nRemote host said: 452 full\n|"
            + "r|K127.0.0.1 accepted message.\nRemote host said: 250 ok 123 qp 456\n|",
            deliver("220 x\r\n", script, List.of("bad@example.com", "later@example.com", "good@example.com")));
    }

    @Test
    void noRecipientAccepted() throws Exception {
        assertEquals("h127.0.0.1 does not like recipient.\nRemote host said: 550 no\n|DGiving up on 127.0.0.1.\n|",
            deliver(failing("RCPT", "550 no\r\n")));
        assertEquals("s127.0.0.1 does not like recipient.\nRemote host said: 451 no\n|DGiving up on 127.0.0.1.\n|",
            deliver(failing("RCPT", "451 no\r\n")));
    }

    @Test
    void dataRefused() throws Exception {
        assertEquals("r|D127.0.0.1 failed on DATA command.\nRemote host said: 554 no data\n|",
            deliver(failing("DATA", "554 no data\r\n")));
        assertEquals("r|Z127.0.0.1 failed on DATA command.\nRemote host said: 451 no data\n|",
            deliver(failing("DATA", "451 no data\r\n")));
    }

    @Test
    void endOfDataRefused() throws Exception {
        assertEquals("r|D127.0.0.1 failed after I sent the message.\nRemote host said: 554 spam\n|",
            deliver(failing(".", "554 spam\r\n")));
        assertEquals("r|Z127.0.0.1 failed after I sent the message.\nRemote host said: 452 full\n|",
            deliver(failing(".", "452 full\r\n")));
    }

    @Test
    void multilineReplies() throws Exception {
        assertEquals("r|K127.0.0.1 accepted message.\nRemote host said: 250-first\n250-second\n250 third\n|",
            deliver(failing(".", "250-first\r\n250-second\r\n250 third\r\n")));
        // the code is the first line's; the continuation lines' codes do not matter
        assertEquals("ZConnected to 127.0.0.1 but greeting failed.\nRemote host said: 554-x\n220 y\n|",
            deliver("554-x\r\n220 y\r\n", FakeSmtp.happy(), List.of("joe@example.com")));
    }

    @Test
    void hugeReplyIsCutAtFiveThousandBytes() throws Exception {
        String line = "250-" + "x".repeat(996) + "\r\n";
        String out = deliver(failing(".", line.repeat(200) + "250 end\r\n"));
        assertTrue(out.startsWith("r|K127.0.0.1 accepted message.\nRemote host said: 250-xxx"), out);
        String said = out.substring(out.indexOf("said: ") + 6, out.length() - 1);
        assertEquals(SmtpReply.MAX_TEXT, said.length());
    }

    @Test
    void endlessReplyIsADroppedConnection() throws Exception {
        String line = "250-" + "x".repeat(1020) + "\r\n";
        assertEquals("r|ZConnected to 127.0.0.1 but connection died. Possible duplicate! (#4.4.2)\n|",
            deliver(failing(".", line.repeat(1100) + "250 end\r\n")));
    }

    @Test
    void garbageIsTemporary() throws Exception {
        assertEquals("ZConnected to 127.0.0.1 but greeting failed.\nRemote host said: hello there\n|",
            deliver("hello there\r\n", FakeSmtp.happy(), List.of("joe@example.com")));
        assertEquals("ZConnected to 127.0.0.1 but sender was rejected.\nRemote host said: \u00ff\u00fe\u00fd?\n|",
            deliver(failing("MAIL", "\u00ff\u00fe\u00fd\0\r\n")));
        assertEquals("s127.0.0.1 does not like recipient.\nRemote host said: ok!\n|DGiving up on 127.0.0.1.\n|",
            deliver(failing("RCPT", "ok!\r\n")));
    }

    @Test
    void stallIsTimeoutremote() throws Exception {
        h.timeoutRemote = 1;
        long t0 = System.nanoTime();
        assertEquals("r|ZConnected to 127.0.0.1 but connection died. (#4.4.2)\n|", deliver(failing("DATA", FakeSmtp.STALL)));
        assertEquals("ZConnected to 127.0.0.1 but connection died. (#4.4.2)\n|",
            deliver(FakeSmtp.STALL, FakeSmtp.happy(), List.of("joe@example.com")));
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
    }

    @Test
    void closeBeforeTheFinalReplyMayBeADuplicate() throws Exception {
        assertEquals("r|ZConnected to 127.0.0.1 but connection died. Possible duplicate! (#4.4.2)\n|",
            deliver(failing(".", FakeSmtp.CLOSE)));
        assertEquals("ZConnected to 127.0.0.1 but connection died. (#4.4.2)\n|", deliver(failing("EHLO", FakeSmtp.CLOSE)));
    }

    @Test
    void closeInTheMiddleOfTheData() throws Exception {
        // The server goes away after DATA's 354 while a big message is still being written.
        byte[] big = ("x".repeat(999) + "\n").repeat(20_000).getBytes(StandardCharsets.ISO_8859_1);
        try (var s = new java.net.ServerSocket(0, 1, Harness.LOOP1)) {
            Thread t = new Thread(() -> {
                try (var c = s.accept()) {
                    var out = c.getOutputStream();
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
                    out.write("220 x\r\n".getBytes());
                    for (String l; (l = in.readLine()) != null; ) {
                        out.write((l.startsWith("DATA") ? "354 go\r\n" : "250 ok\r\n").getBytes());
                        if (l.startsWith("DATA")) {
                            in.read(new char[10000]);
                            c.setSoLinger(true, 0); // a reset, not a polite close
                            break;
                        }
                    }
                } catch (java.io.IOException e) {
                    // done
                }
            });
            t.start();
            h.routes = List.of("example.com:127.0.0.1:" + s.getLocalPort());
            String out = h.run("example.com", "a@b", List.of("joe@example.com"), big);
            t.join(10_000);
            assertEquals("r|ZConnected to 127.0.0.1 but connection died. (#4.4.2)\n|", out);
        }
    }

    @Test
    void messageOnTheWireIsTheQueuedMessage() throws Exception {
        byte[] msg = ("Subject: t\n\n.starts with a dot\n..two dots\nline with CRLF\r\n\u00e9t\u00e9 8-bit\n.\nend\n")
            .getBytes(StandardCharsets.ISO_8859_1);
        byte[] wire = ("Subject: t\r\n\r\n..starts with a dot\r\n...two dots\r\nline with CRLF\r\n\u00e9t\u00e9 8-bit\r\n..\r\nend\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", FakeSmtp.happy())) {
            h.routes = List.of("example.com:127.0.0.1:" + s.port());
            assertTrue(h.run("example.com", "a@b", List.of("joe@example.com"), msg).startsWith("r|K"));
            assertArrayEquals(wire, s.data);
        }
    }

    @Test
    void emptyMessageIsJustTheDot() throws Exception {
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", FakeSmtp.happy())) {
            h.routes = List.of("example.com:127.0.0.1:" + s.port());
            assertTrue(h.run("example.com", "a@b", List.of("joe@example.com"), "").startsWith("r|K"));
            assertArrayEquals(new byte[0], s.data);
        }
    }

    @Test
    void partialFinalLineIsPermanent() throws Exception {
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", FakeSmtp.happy())) {
            h.routes = List.of("example.com:127.0.0.1:" + s.port());
            assertEquals("r|DSMTP cannot transfer messages with partial final lines. (#5.6.2)\n|",
                h.run("example.com", "a@b", List.of("joe@example.com"), "no newline"));
        }
    }

    @Test
    void addressesAreQuotedAsRfc821Wants() throws Exception {
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", FakeSmtp.happy())) {
            h.routes = List.of("example.com:127.0.0.1:" + s.port());
            h.run("example.com", "", List.of("john smith@example.com"), "a\n");
            assertEquals("MAIL FROM:<>", s.commands.get(1));
            assertEquals("RCPT TO:<\"john smith\"@example.com>", s.commands.get(2));
        }
    }

    @Test
    void outgoingipIsTheSourceAddress() throws Exception {
        h.outgoingIp = Harness.LOOP2;
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", FakeSmtp.happy())) {
            h.routes = List.of("example.com:127.0.0.1:" + s.port());
            assertTrue(h.run("example.com", "a@b", List.of("joe@example.com"), "a\n").startsWith("r|K"));
            assertEquals(Harness.LOOP2, s.peer);
        }
    }

    @Test
    void refusedConnectionTriesTheNextAddressThenGivesUp() throws Exception {
        int dead;
        try (var s = new java.net.ServerSocket(0, 1, Harness.LOOP1)) {
            dead = s.getLocalPort();
        }
        h.routes = List.of("example.com:127.0.0.1:" + dead);
        assertEquals("ZSorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n|",
            h.run("example.com", "a@b", List.of("joe@example.com"), "a\n"));
    }
}
