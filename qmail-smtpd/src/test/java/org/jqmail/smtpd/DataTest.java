package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The DATA phase: end of data, SMTP smuggling, transparency, hops, databytes. */
class DataTest {
    private static final String START = "MAIL FROM:<alice@example.net>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\n";
    private static final String OK = "250 ok " + Session.NOW + " qp 4242";

    /** The message as stored, without our Received line. */
    private static String body(FakeQueue.Run r) {
        String t = r.text();
        return t.substring(t.indexOf(" -0000\n") + 7);
    }

    /**
     * The smuggling corpus: each sequence is a "second end of data" that some server took for the
     * real one. The attacker's message continues with a whole second transaction and then the real
     * end. Through us that must never give two messages, and never run the smuggled commands.
     */
    @Test
    void noFakeEndOfDataEndsTheMessageAndNothingIsSmuggled() throws Exception {
        String[] fakeEnds = {"\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r", "\r.\r\n", "\r\n.\r", "\n..\n", "\r\n.\r\r\n"};
        String smuggled = "MAIL FROM:<admin@victim.example>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\nFrom: admin\r\n\r\nforged\r\n";
        for (String fake : fakeEnds) {
            Session s = new Session().run(START + "Subject: one\r\n\r\nbody" + fake + smuggled + ".\r\nQUIT\r\n");
            String name = fake.replace("\r", "<CR>").replace("\n", "<LF>");
            assertTrue(s.queue.queued().isEmpty(), name + ": nothing queued");
            assertEquals(1, s.queue.runs.size(), name);
            assertTrue(s.queue.runs.get(0).failed, name + ": the run was failed");
            assertEquals(1, s.exit, name + ": the connection is dropped");
            List<String> l = s.lines();
            assertEquals(List.of("250 ok", "250 ok", "354 go ahead"), l.subList(0, 3), name);
            assertEquals(4, l.size(), name + ": no smuggled command was answered: " + l);
            assertTrue(l.get(3).startsWith("451 "), name + ": " + l.get(3));
        }
    }

    @Test
    void bareLfGetsQmailsAnswerAndBareCrOurs() throws Exception {
        assertEquals(Smtpd.BARE_LF, last(new Session().run(START + "a\nb\r\n.\r\n")));
        assertEquals(Smtpd.BARE_LF, last(new Session().run(START + "\n.\r\n")), "a bare LF on the first line");
        assertEquals(Smtpd.BARE_CR, last(new Session().run(START + "a\rb\r\n.\r\n")));
        assertEquals(Smtpd.BARE_CR, last(new Session().run(START + "a\r\r\n.\r\n")), "CR CR LF: the first CR is bare");
        assertEquals(Smtpd.BARE_CR, last(new Session().run(START + ".\rx\r\n.\r\n")));
    }

    private static String last(Session s) {
        List<String> l = s.lines();
        assertTrue(s.queue.queued().isEmpty());
        assertEquals(1, s.exit);
        return l.get(l.size() - 1);
    }

    @Test
    void onlyCrLfDotCrLfEndsDataAndTwoMessagesAreTwoTransactions() throws Exception {
        Session s = new Session().run(START + "one\r\n.\r\n" + START + "two\r\n.\r\nQUIT\r\n");
        assertEquals(List.of("250 ok", "250 ok", "354 go ahead", OK, "250 ok", "250 ok", "354 go ahead", OK, "221 mx.example"), s.lines());
        assertEquals(2, s.queue.queued().size());
        assertEquals("one\n", body(s.queue.queued().get(0)));
        assertEquals("two\n", body(s.queue.queued().get(1)));
    }

    @Test
    void dotStuffingIsUndoneAndEightBitBytesPassUnchanged() throws Exception {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c < 256; c++) if (c != '\r' && c != '\n') all.append((char) c);
        String line = all.toString();
        Session s = new Session().run(START + "..\r\n...x\r\n. \r\n" + line + "\r\n" + "y".repeat(100_000) + "\r\n.\r\n");
        assertEquals(".\n..x\n \n" + line + "\n" + "y".repeat(100_000) + "\n", body(s.queue.queued().get(0)));
    }

    @Test
    void aHundredHopsIsALoop() throws Exception {
        String hops99 = "Received: x\r\n".repeat(60) + "delivered-to: y\r\n".repeat(39);
        Session ok = new Session().run(START + hops99 + "\r\nbody\r\n.\r\n");
        assertEquals(1, ok.queue.queued().size(), "99 hops pass");
        Session loop = new Session().run(START + hops99 + "RECEIVED: z\r\n\r\nbody\r\n.\r\n");
        assertEquals("554 too many hops, this message is looping (#5.4.6)", loop.lines().get(3));
        assertTrue(loop.queue.queued().isEmpty());
        Session inBody = new Session().run(START + "Subject: x\r\n\r\n" + "Received: x\r\n".repeat(150) + ".\r\n");
        assertEquals(1, inBody.queue.queued().size(), "lines after the header do not count");
    }

    @Test
    void databytesCountsStoredBytesAndRefusesOneMore() throws Exception {
        Session exact = new Session();
        exact.databytes = 10;
        exact.run(START + "..234\r\n6789\r\n.\r\n"); // stored: ".234\n6789\n" = 10 bytes
        assertEquals(OK, exact.lines().get(3));
        Session over = new Session();
        over.databytes = 10;
        over.run(START + "..234\r\n67890\r\n.\r\nNOOP\r\n");
        assertEquals(List.of("250 ok", "250 ok", "354 go ahead",
            "552 sorry, that message size exceeds my databytes limit (#5.3.4)", "250 ok"), over.lines());
        assertTrue(over.queue.queued().isEmpty());
        assertTrue(over.queue.runs.get(0).failed);
        assertTrue(over.queue.runs.get(0).text().length() < 200, "the rest is not passed on");
    }

    @Test
    void aDisconnectMidDataQueuesNothing() throws Exception {
        Session s = new Session().run(START + "Subject: cut\r\n\r\nhalf a mess");
        assertEquals(1, s.exit);
        assertEquals(List.of("250 ok", "250 ok", "354 go ahead"), s.lines());
        FakeQueue.Run r = s.queue.runs.get(0);
        assertTrue(r.closed);
        assertFalse(r.queued());
        assertTrue(r.failed);
    }
}
