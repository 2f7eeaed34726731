package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jqmail.common.ConstMap;
import org.jqmail.common.Envelope;
import org.jqmail.common.RcptHosts;

/**
 * A whole qmail-smtpd session (Smtpd, in-process, with a recording queue) on arbitrary client bytes. The
 * session is run with one byte per read, so every reply is written right after the input it answers and
 * can be matched to its command line; the test then walks the input line by line with a model of its
 * own and checks:
 * <ul>
 * <li>every reply line is printable ASCII, ends in CR LF, starts with a 3-digit code and a space or
 *     '-', is shorter than 512 bytes; the greeting comes first, before any input is read;
 * <li>every complete command line is answered, in order, and nothing else is; a line of more than
 *     2048 bytes (LF counted) gets 500, a NUL or inner CR 500;
 * <li>a message is queued only after 354 and only at the first CR LF . CR LF (or a first line "."):
 *     its body is the data un-stuffed with LF line ends, nothing after that end, no CR anywhere; its
 *     envelope is the last accepted MAIL and exactly the RCPTs accepted after it; a data phase with a
 *     bare LF or bare CR gets the 451 and ends the session, nothing queued and nothing answered after;
 * <li>the session ends at end of input (exit 1) or after QUIT (exit 0, last reply 221), with at most
 *     five reply lines per input line;
 * <li>the same bytes in random short reads give the same replies, exit code and queue runs.
 * </ul>
 */
class SmtpdSessionFuzzTest {
    private static final String MAX_DURATION = "2m";
    private static final long NOW = 1700000000L;
    private static final String GREETING = "mx.example";
    private static final MailAddress.LocalIps IPS = ip -> ip[0] == 127 && ip[1] == 0 && ip[2] == 0 && ip[3] == 1;

    /** A reply line (without CR LF) and how much input had been read when it was written. */
    record Reply(String text, int inputPos) {}

    /** One session's outcome. */
    record Outcome(byte[] replies, List<Reply> lines, int exit, FakeQueue queue) {}

    @FuzzTest(maxDuration = MAX_DURATION)
    void repliesAreWellFormedAndOnlyWholeMessagesAreQueued(byte[] input) throws IOException {
        Outcome o = run(ShortReads.bytewise(input));
        checkReplies(o);
        walk(input, o);

        Outcome chunked = run(ShortReads.random(input, Arrays.hashCode(input)));
        assertArrayEquals(o.replies(), chunked.replies(), "chunking changed the replies");
        assertEquals(o.exit(), chunked.exit());
        assertEquals(o.queue().runs.size(), chunked.queue().runs.size());
        for (int i = 0; i < o.queue().runs.size(); i++) {
            FakeQueue.Run a = o.queue().runs.get(i);
            FakeQueue.Run b = chunked.queue().runs.get(i);
            assertEquals(a.queued(), b.queued());
            assertEquals(a.envelope, b.envelope);
            assertArrayEquals(a.message.toByteArray(), b.message.toByteArray());
        }
    }

    static Outcome run(ShortReads in) throws IOException {
        Controls controls = new Controls(GREETING, GREETING, 1200, 0, RcptHosts.of(List.of(GREETING, ".sub.example"), null),
            ConstMap.ofLines(List.of("bad@example.com", "@spam.example")));
        Peer peer = new Peer("192.0.2.1", "unknown", null, GREETING, null);
        FakeQueue queue = new FakeQueue();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<int[]> writes = new ArrayList<>(); // {end offset in all, input position}
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                all.write(b, off, len);
                writes.add(new int[] {all.size(), in.position()});
            }
        };
        int exit = new Smtpd(controls, Options.NONE, peer, in, out, queue, IPS, () -> NOW).run();
        byte[] replies = all.toByteArray();
        List<Reply> lines = new ArrayList<>();
        int start = 0;
        int w = 0;
        for (int i = 0; i + 1 < replies.length; i++) {
            if (replies[i] != '\r' || replies[i + 1] != '\n') continue;
            while (writes.get(w)[0] < i + 2) w++; // the write that completed this line
            lines.add(new Reply(new String(replies, start, i - start, StandardCharsets.ISO_8859_1), writes.get(w)[1]));
            start = i + 2;
            i++;
        }
        assertEquals(replies.length, start, "the replies end with a whole line");
        return new Outcome(replies, lines, exit, queue);
    }

    private static void checkReplies(Outcome o) {
        for (byte b : o.replies()) {
            assertTrue(b == '\r' || b == '\n' || (b >= 0x20 && b < 0x7f), "a byte from the client in a reply: " + b);
        }
        List<Reply> l = o.lines();
        assertFalse(l.isEmpty());
        assertEquals(new Reply("220 " + GREETING + " ESMTP", 0), l.get(0), "greeting first, before reading");
        for (int i = 0; i < l.size(); i++) {
            String t = l.get(i).text();
            assertTrue(t.length() + 2 < 512, "reply of 512 bytes or more");
            assertTrue(t.length() >= 4 && Character.isDigit(t.charAt(0)) && Character.isDigit(t.charAt(1))
                && Character.isDigit(t.charAt(2)) && (t.charAt(3) == ' ' || t.charAt(3) == '-'), "reply: " + t);
            assertTrue(t.charAt(0) >= '2' && t.charAt(0) <= '5', t);
            assertFalse(t.indexOf('\r') >= 0 || t.indexOf('\n') >= 0, "CR or LF inside a reply");
            if (t.charAt(3) == '-') {
                assertTrue(i + 1 < l.size(), "a continued reply with no last line");
                assertTrue(l.get(i + 1).text().startsWith(t.substring(0, 3)), "continuation with another code");
            }
        }
    }

    /** The model: walks the input as the session must have read it, matching each line to its replies. */
    private static void walk(byte[] in, Outcome o) {
        List<Reply> r = o.lines();
        int lines = 0;
        for (byte b : in) if (b == '\n') lines++;
        assertTrue(r.size() <= 1 + 5 * lines, "more replies than input can ask for");
        List<FakeQueue.Run> runs = o.queue().runs;
        int ri = 1;
        int run = 0;
        int at = 0;
        boolean inMail = false;
        String sender = null;
        List<String> rcpts = new ArrayList<>();
        for (;;) {
            int lf = indexOf(in, (byte) '\n', at);
            if (lf < 0) { // end of input, maybe in the middle of a line: never run
                assertEquals(r.size(), ri, "a reply after the last complete line");
                assertEquals(1, o.exit());
                break;
            }
            int q = lf + 1;
            List<String> group = new ArrayList<>();
            while (ri < r.size() && r.get(ri).inputPos() == q) group.add(r.get(ri++).text());
            String line = "[" + at + "," + q + ")";
            assertFalse(group.isEmpty(), "command line " + line + " unanswered");
            assertTrue(ri == r.size() || r.get(ri).inputPos() > q, "a reply out of order");
            String first = group.get(0);
            int len = lf - at;
            if (len + 1 > Smtpd.MAX_COMMAND) {
                assertEquals(List.of("500 line too long (#5.5.2)"), group, line);
                at = q;
                continue;
            }
            if (len > 0 && in[lf - 1] == '\r') len--;
            boolean malformed = false;
            for (int i = at; i < at + len; i++) malformed |= in[i] == 0 || in[i] == '\r';
            if (malformed) {
                assertEquals(List.of("500 NUL or bare CR in command (#5.5.2)"), group, line);
                at = q;
                continue;
            }
            int sp = at;
            while (sp < at + len && in[sp] != ' ') sp++;
            String verb = lower(new String(in, at, sp - at, StandardCharsets.ISO_8859_1));
            while (sp < at + len && in[sp] == ' ') sp++;
            String arg = new String(in, sp, at + len - sp, StandardCharsets.ISO_8859_1);
            at = q;
            switch (verb) {
                case "mail" -> {
                    assertEquals(1, group.size());
                    if (first.equals("250 ok")) {
                        MailAddress a = MailAddress.parse(arg, GREETING, IPS);
                        assertNotNull(a, "MAIL accepted with a syntax error");
                        inMail = true;
                        sender = a.address();
                        rcpts.clear();
                    }
                }
                case "rcpt" -> {
                    assertEquals(1, group.size());
                    if (first.equals("250 ok")) {
                        assertTrue(inMail, "RCPT accepted outside a transaction");
                        MailAddress a = MailAddress.parse(arg, GREETING, IPS);
                        assertNotNull(a, "RCPT accepted with a syntax error");
                        rcpts.add(a.address());
                        assertTrue(rcpts.size() <= Smtpd.MAX_RECIPIENTS);
                    }
                }
                case "rset", "helo" -> {
                    assertEquals(1, group.size());
                    inMail = false;
                }
                case "ehlo" -> {
                    assertEquals("250-" + GREETING, first);
                    assertEquals("250 SIZE", group.get(group.size() - 1));
                    inMail = false;
                }
                case "quit" -> {
                    assertEquals(List.of("221 " + GREETING), group);
                    assertEquals(r.size(), ri, "a reply after QUIT");
                    assertEquals(0, o.exit());
                    return;
                }
                case "data" -> {
                    if (!first.equals("354 go ahead")) {
                        assertEquals(1, group.size());
                        assertTrue(!inMail || rcpts.isEmpty(), "DATA refused in a transaction with recipients: " + first);
                        assertTrue(first.startsWith("503 "), first);
                        inMail = false;
                        if (q < in.length) { // pipelined past a refused DATA: the session ends
                            assertEquals(r.size(), ri);
                            assertEquals(1, o.exit());
                            return;
                        }
                        break;
                    }
                    assertEquals(1, group.size());
                    assertTrue(inMail && !rcpts.isEmpty(), "354 without MAIL and RCPT");
                    inMail = false;
                    assertTrue(run < runs.size(), "354 without a queue run");
                    FakeQueue.Run qq = runs.get(run++);
                    Data d = Data.of(in, q);
                    if (d.end() == DataReader.End.EOF) {
                        assertEquals(r.size(), ri, "a reply to unfinished data");
                        assertFalse(qq.queued());
                        assertEquals(1, o.exit());
                        return;
                    }
                    assertTrue(ri < r.size(), "data without an answer");
                    Reply result = r.get(ri++);
                    assertEquals(d.to(), result.inputPos(), "the data was answered elsewhere than at its end");
                    if (d.end() != DataReader.End.DOT) {
                        assertEquals(d.end() == DataReader.End.BARE_LF ? Smtpd.BARE_LF : Smtpd.BARE_CR, result.text());
                        assertFalse(qq.queued(), "a message with a bare CR or LF was queued");
                        assertEquals(r.size(), ri, "a command after a refused end of data was answered");
                        assertEquals(1, o.exit());
                        return;
                    }
                    if (d.hops() >= Smtpd.MAX_HOPS) {
                        assertEquals("554 too many hops, this message is looping (#5.4.6)", result.text());
                        assertFalse(qq.queued());
                    } else {
                        assertEquals("250 ok " + NOW + " qp 4242", result.text());
                        assertTrue(qq.queued());
                        assertEquals(new Envelope(sender, rcpts), qq.envelope);
                        byte[] m = qq.message.toByteArray();
                        assertEquals(-1, indexOf(m, (byte) '\r', 0), "CR in a queued message");
                        int received = indexOf(m, (byte) '\n', indexOf(m, (byte) '\n', 0) + 1) + 1;
                        assertTrue(received > 0 && new String(m, 0, received, StandardCharsets.ISO_8859_1)
                            .startsWith("Received: from unknown"), "Received line first");
                        assertArrayEquals(d.body(), Arrays.copyOfRange(m, received, m.length), "body != un-stuffed data");
                    }
                    at = d.to();
                }
                default -> {
                    // HELP, NOOP, VRFY, STARTTLS, AUTH (both off here), unknown: one reply each
                    assertEquals(1, group.size(), verb);
                }
            }
        }
        assertEquals(run, runs.size(), "a queue run without 354");
    }

    /**
     * The data phase as RFC 5321 and qmail define it, line by line: from {@code from} (just after the
     * DATA line), how it ends, where (just after the byte that decided), the body it stands for and the
     * hop count of its header.
     */
    record Data(DataReader.End end, int to, byte[] body, int hops) {
        static Data of(byte[] in, int from) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int hops = 0;
            boolean header = true;
            int at = from;
            for (;;) {
                int lf = indexOf(in, (byte) '\n', at);
                int stop = lf < 0 ? in.length : lf;
                for (int i = at; i < stop; i++) { // a CR not followed by LF, first come first served
                    if (in[i] == '\r' && i + 1 < in.length && in[i + 1] != '\n') {
                        return new Data(DataReader.End.BARE_CR, i + 2, body.toByteArray(), hops);
                    }
                }
                if (lf < 0) return new Data(DataReader.End.EOF, in.length, body.toByteArray(), hops);
                if (lf == at || in[lf - 1] != '\r') return new Data(DataReader.End.BARE_LF, lf + 1, body.toByteArray(), hops);
                byte[] line = Arrays.copyOfRange(in, at, lf - 1);
                if (header && line.length == 0) header = false;
                if (header && (startsWithIgnoreCase(line, "received") || startsWithIgnoreCase(line, "delivered"))) hops++;
                if (line.length == 1 && line[0] == '.') return new Data(DataReader.End.DOT, lf + 1, body.toByteArray(), hops);
                int skip = line.length > 0 && line[0] == '.' ? 1 : 0;
                body.write(line, skip, line.length - skip);
                body.write('\n');
                at = lf + 1;
            }
        }
    }

    private static boolean startsWithIgnoreCase(byte[] b, String prefix) {
        if (b.length < prefix.length()) return false;
        for (int i = 0; i < prefix.length(); i++) {
            int c = b[i] & 0xff;
            if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
            if (c != prefix.charAt(i)) return false;
        }
        return true;
    }

    private static String lower(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return b.toString();
    }

    static int indexOf(byte[] b, byte x, int from) {
        for (int i = Math.max(0, from); i < b.length; i++) if (b[i] == x) return i;
        return -1;
    }
}
