package org.jqmail.smtpd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.jqmail.common.Address;
import org.jqmail.common.Ascii;
import org.jqmail.common.Envelope;
import org.jqmail.queue.client.QueueResult;

/**
 * One SMTP session, as qmail-smtpd(8) runs it: commands in, replies out, accepted messages into the
 * queue. Replies and their texts are qmail's; see docs/qmail-smtpd.md for the full table and for the
 * few places where we are stricter (bare CR, NUL, over-long lines, recipient limit, pipelining past a
 * refused DATA, SIZE).
 * <p>
 * Replies are flushed after the commands a client waits for alone (DATA, QUIT, HELO, EHLO, HELP, NOOP,
 * VRFY, unknown) and before any read that would wait; MAIL, RCPT and RSET replies of a pipelined group
 * go out together.
 */
final class Smtpd {
    /** Longest command line, LF included. RFC 5321 asks for 512; addresses may be 900 bytes in qmail. */
    static final int MAX_COMMAND = 2048;
    /** Most recipients of one message (RFC 5321 4.5.3.1.8 asks for at least 100; Postfix takes 1000). */
    static final int MAX_RECIPIENTS = 1000;
    /** qmail-smtpd's MAXHOPS: this many Received/Delivered-To header lines mean a loop. */
    static final int MAX_HOPS = 100;

    static final String BARE_LF = "451 See http://pobox.com/~djb/docs/smtplf.html.";
    static final String BARE_CR = "451 bare CR in message refused, see http://pobox.com/~djb/docs/smtplf.html. (#4.6.0)";

    private final Controls controls;
    private final Peer peer;
    private final Replies out;
    private final SmtpInput in;
    private final Queue queue;
    private final MailAddress.LocalIps ips;
    private final LongSupplier clock;

    private String fakehelo;
    private boolean seenMail;
    private boolean barf;
    private String mailFrom;
    private final List<String> recipients = new ArrayList<>();
    /** Set when the session must end: the exit code. */
    private int exit = -1;

    Smtpd(Controls controls, Peer peer, java.io.InputStream client, java.io.OutputStream replies, Queue queue,
            MailAddress.LocalIps ips, LongSupplier clock) {
        this.controls = controls;
        this.peer = peer;
        this.out = new Replies(replies);
        this.in = new SmtpInput(client, out);
        this.queue = queue;
        this.ips = ips;
        this.clock = clock;
        dohelo(peer.remoteHost());
    }

    /** Runs the session to its end; returns the exit code (0 after QUIT, 1 when the client went away). */
    int run() throws IOException {
        out.put("220 ");
        out.put(controls.greeting());
        out.line(" ESMTP");
        while (exit < 0) {
            SmtpInput.Line line = in.readLine(MAX_COMMAND);
            if (line == null) return 1; // the client hung up
            if (line.tooLong()) {
                out.line("500 line too long (#5.5.2)");
                out.flush();
                continue;
            }
            Command c = Command.parse(line.bytes());
            if (c.malformed()) {
                out.line("500 NUL or bare CR in command (#5.5.2)");
                out.flush();
                continue;
            }
            try {
                command(c);
            } catch (Hangup h) {
                break;
            }
        }
        out.flush();
        return exit;
    }

    private void command(Command c) throws IOException {
        switch (c.verb()) {
            case "rcpt" -> rcpt(c.arg());
            case "mail" -> mail(c.arg());
            case "rset" -> {
                seenMail = false;
                out.line("250 flushed");
            }
            case "data" -> {
                data();
                out.flush();
            }
            case "quit" -> {
                out.put("221 ");
                out.line(controls.greeting());
                out.flush();
                exit = 0;
            }
            case "helo" -> {
                out.put("250 ");
                out.line(controls.greeting());
                seenMail = false;
                dohelo(c.arg());
                out.flush();
            }
            case "ehlo" -> {
                out.put("250-");
                out.line(controls.greeting());
                out.line("250-PIPELINING");
                out.line("250-8BITMIME");
                out.line(controls.databytes() > 0 ? "250 SIZE " + controls.databytes() : "250 SIZE");
                seenMail = false;
                dohelo(c.arg());
                out.flush();
            }
            case "help" -> reply("214 qmail home page: http://pobox.com/~djb/qmail.html");
            case "noop" -> reply("250 ok");
            case "vrfy" -> reply("252 send some mail, i'll try my best");
            default -> reply("502 unimplemented (#5.5.1)");
        }
    }

    private void reply(String text) throws IOException {
        out.line(text);
        out.flush();
    }

    /** The HELO name goes into Received only when it differs from the remote host's name. */
    private void dohelo(String arg) {
        // case_diffs: ASCII case only
        fakehelo = Address.lowerAscii(arg).equals(Address.lowerAscii(peer.remoteHost())) ? null : arg;
    }

    private MailAddress parse(String arg) {
        return MailAddress.parse(arg, controls.liphost(), ips);
    }

    private void mail(String arg) throws IOException {
        MailAddress a = parse(arg);
        if (a == null) {
            out.line("555 syntax error (#5.5.4)");
            return;
        }
        long size = a.declaredSize();
        if (size == -2) {
            out.line("555 syntax error (#5.5.4)");
            return;
        }
        if (controls.databytes() > 0 && size > controls.databytes()) {
            out.line("552 sorry, that message size exceeds my databytes limit (#5.3.4)");
            return;
        }
        barf = inBadmailfrom(a.address());
        seenMail = true;
        recipients.clear();
        mailFrom = a.address();
        out.line("250 ok");
    }

    private boolean inBadmailfrom(String sender) {
        if (controls.badmailfrom() == null) return false;
        if (controls.badmailfrom().contains(sender)) return true;
        int at = sender.lastIndexOf('@');
        return at >= 0 && controls.badmailfrom().contains(sender.substring(at));
    }

    private void rcpt(String arg) throws IOException {
        if (!seenMail) {
            out.line("503 MAIL first (#5.5.1)");
            return;
        }
        MailAddress a = parse(arg);
        if (a == null || a.address().isEmpty()) {
            out.line("555 syntax error (#5.5.4)");
            return;
        }
        if (barf) {
            out.line("553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)");
            return;
        }
        String rcpt = a.address();
        if (peer.relayClient() != null) {
            rcpt = rcpt + peer.relayClient();
        } else if (!allowed(rcpt)) {
            out.line("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)");
            return;
        }
        if (recipients.size() >= MAX_RECIPIENTS) {
            out.line("452 too many recipients (#4.5.3)");
            return;
        }
        recipients.add(rcpt);
        out.line("250 ok");
    }

    /** rcpthosts/morercpthosts.cdb; an unreadable cdb ends the session as qmail's die_control does. */
    private boolean allowed(String rcpt) throws IOException {
        try {
            return controls.rcpthosts().accepts(rcpt);
        } catch (IOException e) {
            out.line("421 unable to read controls (#4.3.0)");
            exit = 1;
            throw new Hangup();
        }
    }

    /** Ends the session from deep inside a command; {@link #run()} returns {@link #exit}. */
    private static final class Hangup extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Hangup() {
            super(null, null, false, false);
        }
    }

    private void data() throws IOException {
        if (!seenMail || recipients.isEmpty()) {
            out.line(!seenMail ? "503 MAIL first (#5.5.1)" : "503 RCPT first (#5.5.1)");
            // A client that sent its message without waiting for 354 (RFC 2920 forbids it) would have
            // the message read as commands. Its lines could be anything, MAIL and RCPT included, so
            // we end the session rather than run them.
            if (in.pending()) exit = 1;
            return;
        }
        seenMail = false;
        Queue.Injection qq;
        try {
            qq = queue.open();
        } catch (IOException e) {
            out.line("451 qqt failure (#4.3.0)");
            return;
        }
        try (qq) {
            out.line("354 go ahead"); // flushed by the first read that has to wait
            MessageSink sink = new MessageSink(qq, controls.databytes());
            sink.header(ReceivedLine.of(peer, fakehelo, clock.getAsLong()));
            DataReader.Result r = DataReader.read(in, sink);
            if (r.end() != DataReader.End.DOT) {
                qq.fail(); // nothing of an unfinished message is queued
                if (r.end() == DataReader.End.BARE_LF) out.line(BARE_LF);
                if (r.end() == DataReader.End.BARE_CR) out.line(BARE_CR);
                exit = 1;
                return;
            }
            sink.flush();
            boolean looping = r.hops() >= MAX_HOPS;
            if (looping) qq.fail();
            QueueResult result = qq.close(new Envelope(mailFrom, recipients));
            if (result.queued()) {
                out.line("250 ok " + clock.getAsLong() + " qp " + qq.pid());
            } else if (looping) {
                out.line("554 too many hops, this message is looping (#5.4.6)");
            } else if (sink.overflowed()) {
                out.line("552 sorry, that message size exceeds my databytes limit (#5.3.4)");
            } else {
                out.line((result.permanent() ? "554 " : "451 ") + Ascii.printable(result.text()));
            }
        }
    }
}
