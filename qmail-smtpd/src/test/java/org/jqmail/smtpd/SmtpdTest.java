package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jqmail.common.Envelope;
import org.jqmail.common.QueueExit;
import org.junit.jupiter.api.Test;

/** The command state machine and qmail's reply texts. */
class SmtpdTest {
    private static final String RECEIVED = "Received: from unknown (192.0.2.1)\n  by mx.example with SMTP; 14 Nov 2023 22:13:20 -0000\n";

    @Test
    void greetingAndQuit() throws Exception {
        Session s = new Session().run("QUIT\r\n");
        assertEquals("220 mx.example ESMTP\r\n221 mx.example\r\n", s.replies);
        assertEquals(0, s.exit);
    }

    @Test
    void theClientHangingUpEndsWithExit1() throws Exception {
        assertEquals(1, new Session().run("NOOP\r\n").exit);
        assertEquals(1, new Session().run("NOOP\r\nQUIT").exit, "an unfinished line is never run");
    }

    @Test
    void heloAndEhlo() throws Exception {
        assertEquals(List.of("250 mx.example", "250-mx.example", "250-PIPELINING", "250-8BITMIME", "250-SMTPUTF8", "250 SIZE", "221 mx.example"),
            new Session().run("HELO client.example\r\nehlo client.example\r\nQUIT\r\n").lines());
        Session s = new Session();
        s.databytes = 1000;
        assertEquals(List.of("250-mx.example", "250-PIPELINING", "250-8BITMIME", "250-SMTPUTF8", "250 SIZE 1000"), s.run("EHLO x\r\n").lines());
    }

    @Test
    void theSmallCommands() throws Exception {
        assertEquals(List.of("250 ok", "252 send some mail, i'll try my best", "214 qmail home page: http://pobox.com/~djb/qmail.html",
                "250 flushed", "502 unimplemented (#5.5.1)", "502 unimplemented (#5.5.1)", "502 unimplemented (#5.5.1)",
                "502 unimplemented (#5.5.1)", "221 mx.example"),
            new Session().run("NOOP\r\nVRFY joe\r\nHELP\r\nRSET\r\nEXPN list\r\nSTARTTLS\r\nAUTH PLAIN x\r\n\r\nQuIt\r\n").lines());
    }

    @Test
    void aWholeTransaction() throws Exception {
        Session s = new Session().run("MAIL FROM:<alice@example.net>\r\nRCPT TO:<joe@mx.example>\r\nRCPT TO:<ann@a.sub.example>\r\n"
            + "DATA\r\nSubject: hi\r\n\r\nline 1\r\n..dot\r\n.\r\nQUIT\r\n");
        assertEquals(List.of("250 ok", "250 ok", "250 ok", "354 go ahead", "250 ok " + Session.NOW + " qp 4242", "221 mx.example"), s.lines());
        FakeQueue.Run r = s.queue.queued().get(0);
        assertEquals(RECEIVED + "Subject: hi\n\nline 1\n.dot\n", r.text());
        assertEquals(new Envelope("alice@example.net", List.of("joe@mx.example", "ann@a.sub.example")), r.envelope);
    }

    @Test
    void mailWithoutHeloAndTheNullSender() throws Exception {
        Session s = new Session().run("MAIL FROM:<>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\n.\r\n");
        assertEquals("", s.queue.queued().get(0).envelope.sender());
        assertEquals(RECEIVED, s.queue.queued().get(0).text(), "an empty message is its Received line");
    }

    @Test
    void theReceivedLineNamesHeloInfoAndNeverCarriesUnsafeBytes() throws Exception {
        Session s = new Session();
        s.peer = new Peer("192.0.2.7", "client.example", "ident(x)", "mx.example", null);
        s.run("HELO Client.EXAMPLE\r\nMAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\n.\r\n"
            + "EHLO evil (x) é>\r\nMAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\n.\r\n");
        List<FakeQueue.Run> q = s.queue.queued();
        assertTrue(q.get(0).text().startsWith("Received: from client.example (ident?x?@192.0.2.7)\n  by mx.example with SMTP; "), q.get(0).text());
        assertTrue(q.get(1).text().startsWith("Received: from client.example (HELO evil??x????) (ident?x?@192.0.2.7)\n  by mx.example"),
            q.get(1).text());
    }

    @Test
    void sequenceErrors() throws Exception {
        assertEquals(List.of("503 MAIL first (#5.5.1)", "503 MAIL first (#5.5.1)", "250 ok", "503 RCPT first (#5.5.1)",
                "250 ok", "250 flushed", "503 MAIL first (#5.5.1)", "221 mx.example"),
            new Session().chunks("RCPT TO:<joe@mx.example>\r\nDATA\r\n", "MAIL FROM:<a@b>\r\nDATA\r\n",
                "MAIL FROM:<a@b>\r\nRSET\r\nRCPT TO:<joe@mx.example>\r\nQUIT\r\n").lines());
    }

    @Test
    void heloEndsATransactionAndAFinishedOneNeedsANewMail() throws Exception {
        Session s = new Session().chunks("MAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\n.\r\nDATA\r\n",
            "MAIL FROM:<a@b>\r\nHELO x\r\nRCPT TO:<joe@mx.example>\r\n");
        assertEquals(List.of("250 ok", "250 ok", "354 go ahead", "250 ok " + Session.NOW + " qp 4242", "503 MAIL first (#5.5.1)",
            "250 ok", "250 mx.example", "503 MAIL first (#5.5.1)"), s.lines());
    }

    @Test
    void mailTwiceStartsOverWithTheSecondSender() throws Exception {
        Session s = new Session().run("MAIL FROM:<first@a>\r\nRCPT TO:<one@mx.example>\r\nMAIL FROM:<second@a>\r\n"
            + "RCPT TO:<two@mx.example>\r\nDATA\r\n.\r\n");
        assertEquals(List.of("250 ok", "250 ok", "250 ok", "250 ok", "354 go ahead", "250 ok " + Session.NOW + " qp 4242"), s.lines());
        assertEquals(new Envelope("second@a", List.of("two@mx.example")), s.queue.queued().get(0).envelope);
    }

    @Test
    void relayIsRefusedUnlessRcpthostsOrRelayclientAllowIt() throws Exception {
        Session s = new Session().run("MAIL FROM:<a@b>\r\nRCPT TO:<victim@elsewhere.example>\r\nRCPT TO:<x@sub.example>\r\n"
            + "RCPT TO:<x@deep.sub.example>\r\nRCPT TO:<x@MX.Example>\r\nRCPT TO:<postmaster>\r\n");
        String nogateway = "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)";
        assertEquals(List.of("250 ok", nogateway, nogateway, "250 ok", "250 ok", "250 ok"), s.lines());

        Session r = new Session();
        r.peer = new Peer("127.0.0.1", "unknown", null, "mx.example", "");
        r.run("MAIL FROM:<a@b>\r\nRCPT TO:<victim@elsewhere.example>\r\nDATA\r\n.\r\n");
        assertEquals(List.of("victim@elsewhere.example"), r.queue.queued().get(0).envelope.recipients());

        Session suffix = new Session();
        suffix.peer = new Peer("127.0.0.1", "unknown", null, "mx.example", "@relay.example");
        suffix.run("MAIL FROM:<a@b>\r\nRCPT TO:<joe>\r\nDATA\r\n.\r\n");
        assertEquals(List.of("joe@relay.example"), suffix.queue.queued().get(0).envelope.recipients());

        Session open = new Session();
        open.rcpthosts = null; // no rcpthosts file: qmail accepts everything
        assertEquals(List.of("250 ok", "250 ok"), open.run("MAIL FROM:<a@b>\r\nRCPT TO:<x@anywhere.example>\r\n").lines());
    }

    @Test
    void badmailfromRefusesEveryRecipient() throws Exception {
        Session s = new Session();
        s.badmailfrom = List.of("spammer@bad.example", "@worse.example");
        String bmf = "553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)";
        assertEquals(List.of("250 ok", bmf, "250 ok", bmf, "250 ok", "250 ok"),
            s.run("MAIL FROM:<Spammer@bad.example>\r\nRCPT TO:<joe@mx.example>\r\nMAIL FROM:<any@WORSE.example>\r\n"
                + "RCPT TO:<joe@mx.example>\r\nMAIL FROM:<ok@bad.example>\r\nRCPT TO:<joe@mx.example>\r\n").lines());
    }

    @Test
    void sizeParameter() throws Exception {
        Session s = new Session();
        s.databytes = 100;
        assertEquals(List.of("250 ok", "250 ok", "552 sorry, that message size exceeds my databytes limit (#5.3.4)",
                "555 syntax error (#5.5.4)", "555 syntax error (#5.5.4)", "250 ok", "552 sorry, that message size exceeds my databytes limit (#5.3.4)"),
            s.run("MAIL FROM:<a@b> SIZE=100\r\nMAIL FROM:<a@b> BODY=8BITMIME size=99\r\nMAIL FROM:<a@b> SIZE=101\r\n"
                + "MAIL FROM:<a@b> SIZE=12x\r\nMAIL FROM:<a@b> SIZE=\r\nMAIL FROM:<a@b> BODY=7BIT\r\n"
                + "MAIL FROM:<a@b> SIZE=999999999999999999999999\r\n").lines());
        assertEquals(List.of("250 ok"), new Session().run("MAIL FROM:<a@b> SIZE=999999999\r\n").lines(), "no databytes: no limit");
    }

    @Test
    void queueExitCodesBecomeTheMatchingReplies() throws Exception {
        int[] codes = {QueueExit.ADDRESS_TOO_LONG, QueueExit.REFUSED_PERMANENTLY, 12, QueueExit.OUT_OF_MEMORY, QueueExit.TIMEOUT,
            QueueExit.WRITE_ERROR, QueueExit.READ_ERROR, QueueExit.QUEUE_TODO, QueueExit.INTERNAL_BUG, QueueExit.EXEC_FAILED, 75};
        String[] replies = {"554 envelope address too long for qq (#5.1.3)", "554 mail server permanently rejected message (#5.3.0)",
            "554 qq permanent problem (#5.3.0)", "451 qq out of memory (#4.3.0)", "451 qq timeout (#4.3.0)",
            "451 qq write error or disk full (#4.3.0)", "451 qq read error (#4.3.0)", "451 qq trouble creating files in queue (#4.3.0)",
            "451 qq internal bug (#4.3.0)", "451 unable to exec qq (#4.3.0)", "451 qq temporary problem (#4.3.0)"};
        for (int i = 0; i < codes.length; i++) {
            Session s = new Session();
            s.queue.exitCode = codes[i];
            List<String> l = s.run("MAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\nx\r\n.\r\nNOOP\r\n").lines();
            assertEquals(List.of("250 ok", "250 ok", "354 go ahead", replies[i], "250 ok"), l, "exit " + codes[i]);
        }
        Session s = new Session();
        s.queue.cannotStart = true;
        assertEquals(List.of("250 ok", "250 ok", "451 qqt failure (#4.3.0)", "250 ok"),
            s.chunks("MAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\n", "NOOP\r\n").lines());
    }

    @Test
    void pipelinedRepliesGoOutTogetherAndWaitingClientsGetTheirReply() throws Exception {
        Session s = new Session().chunks("EHLO x\r\n", "MAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example>\r\nRCPT TO:<ann@mx.example>\r\nDATA\r\n",
            "Subject: x\r\n\r\nbody\r\n.\r\n", "QUIT\r\n");
        assertEquals(List.of("220 mx.example ESMTP\r\n", "250-mx.example\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE\r\n",
            "250 ok\r\n250 ok\r\n250 ok\r\n354 go ahead\r\n", "250 ok " + Session.NOW + " qp 4242\r\n", "221 mx.example\r\n"), s.writes);
        // MAIL, RCPT and RSET alone are not flushed until the client has nothing more for us
        Session m = new Session().chunks("MAIL FROM:<a@b>\r\nRSET\r\n", "NOOP\r\n");
        assertEquals(List.of("220 mx.example ESMTP\r\n", "250 ok\r\n250 flushed\r\n", "250 ok\r\n"), m.writes);
    }

    @Test
    void aMessageSentPastARefusedDataIsNeverReadAsCommands() throws Exception {
        // RFC 2920 forbids sending the message before 354; a client that does so after a refused
        // RCPT would have its message lines (which may say anything) run as commands.
        Session s = new Session().chunks("MAIL FROM:<a@b>\r\nRCPT TO:<victim@elsewhere.example>\r\nDATA\r\n"
            + "MAIL FROM:<evil@b>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\nsmuggled\r\n.\r\n");
        assertEquals(List.of("250 ok", "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)",
            "503 RCPT first (#5.5.1)"), s.lines());
        assertEquals(1, s.exit);
        assertTrue(s.queue.runs.isEmpty());
    }

    @Test
    void aClientTalkingBeforeTheGreetingGetsTheSameAnswersInOrder() throws Exception {
        String all = "EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example>\r\nQUIT\r\n";
        Session early = new Session().chunks(all);
        Session polite = new Session().chunks("EHLO x\r\n", "MAIL FROM:<a@b>\r\n", "RCPT TO:<joe@mx.example>\r\n", "QUIT\r\n");
        assertEquals(polite.replies, early.replies);
        assertTrue(early.writes.get(0).equals("220 mx.example ESMTP\r\n"), "the greeting goes out before any reply");
    }
}
