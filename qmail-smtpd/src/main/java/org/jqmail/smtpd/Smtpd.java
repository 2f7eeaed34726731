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
 * refused DATA, SIZE). Beyond qmail, and only as {@link Options} allow: STARTTLS and SMTPS (the TLS
 * session replaces the streams, the plaintext read buffer is dropped), AUTH (an authenticated client
 * may relay as with RELAYCLIENT=""), and SMTPUTF8.
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

    /** After this many failed AUTH commands the session ends (RFC 4954 section 4 asks for a limit). */
    static final int MAX_AUTH_FAILURES = 5;
    /** The pause after the n-th failed AUTH is n times this, so guessing stays slow. */
    static final long AUTH_PAUSE_MILLIS = 1000;

    static final String STARTTLS_FIRST = "530 Must issue a STARTTLS command first (#5.7.0)";

    private final Controls controls;
    private final Peer peer;
    private final Options opts;
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
    /** The TLS session once STARTTLS (or SMTPS) succeeded, else null. */
    private TlsStreams tls;
    /** The AUTH user once AUTH succeeded (as sent: bytes as ISO-8859-1 chars), else null. */
    private String authUser;
    private int authFailures;
    /** MAIL had the SMTPUTF8 parameter: addresses must be UTF-8 (RFC 6531). */
    private boolean utf8;
    /** Set when the session must end: the exit code. */
    private int exit = -1;

    Smtpd(Controls controls, Peer peer, java.io.InputStream client, java.io.OutputStream replies, Queue queue,
            MailAddress.LocalIps ips, LongSupplier clock) {
        this(controls, Options.NONE, peer, client, replies, queue, ips, clock);
    }

    Smtpd(Controls controls, Options opts, Peer peer, java.io.InputStream client, java.io.OutputStream replies,
            Queue queue, MailAddress.LocalIps ips, LongSupplier clock) {
        this.controls = controls;
        this.opts = opts;
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
        if (opts.smtps() && !startTls()) return 1;
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
                if (exit < 0) exit = 1;
                break;
            }
        }
        out.flush();
        if (tls != null && exit == 0) tls.close();
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
                out.line("250-SMTPUTF8");
                if (opts.tls() != null && tls == null) out.line("250-STARTTLS");
                if (opts.auth() != null && !(opts.tlsRequired() && tls == null)) out.line(tls != null || opts.tls() == null ? "250-AUTH LOGIN PLAIN CRAM-MD5" : "250-AUTH CRAM-MD5");
                out.line(controls.databytes() > 0 ? "250 SIZE " + controls.databytes() : "250 SIZE");
                seenMail = false;
                dohelo(c.arg());
                out.flush();
            }
            case "help" -> reply("214 qmail home page: http://pobox.com/~djb/qmail.html");
            case "noop" -> reply("250 ok");
            case "vrfy" -> reply("252 send some mail, i'll try my best");
            case "starttls" -> {
                if (opts.tls() == null) reply("502 unimplemented (#5.5.1)");
                else if (tls != null) reply("503 TLS already active (#5.5.1)");
                else if (!c.arg().isEmpty()) reply("501 syntax error (no parameters allowed) (#5.5.4)");
                else if (!startTls()) throw new Hangup();
            }
            case "auth" -> {
                if (opts.auth() == null) reply("502 unimplemented (#5.5.1)");
                else auth(c.arg());
            }
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
        if (opts.tlsRequired() && tls == null) {
            out.line(STARTTLS_FIRST);
            return;
        }
        if (opts.authRequired() && authUser == null) {
            out.line("530 authentication required (#5.7.0)");
            return;
        }
        MailAddress a = parse(arg);
        if (a == null) {
            out.line("555 syntax error (#5.5.4)");
            return;
        }
        boolean smtputf8 = a.hasParam("SMTPUTF8");
        if (smtputf8 && !Utf8.valid(a.address())) {
            out.line(Utf8.INVALID);
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
        utf8 = smtputf8;
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
        if (utf8 && !Utf8.valid(a.address())) {
            out.line(Utf8.INVALID);
            return;
        }
        if (barf) {
            out.line("553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)");
            return;
        }
        String rcpt = a.address();
        String relay = peer.relayClient() != null ? peer.relayClient() : authUser != null ? "" : null;
        if (relay != null) {
            rcpt = rcpt + relay;
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
            qq = queue.open(new Envelope(mailFrom, recipients));
        } catch (IOException e) {
            out.line("451 qqt failure (#4.3.0)");
            return;
        }
        try (qq) {
            out.line("354 go ahead"); // flushed by the first read that has to wait
            MessageSink sink = new MessageSink(qq, controls.databytes());
            sink.header(ReceivedLine.of(peer, fakehelo, clock.getAsLong(), protocol()));
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
            QueueResult result = qq.finish();
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

    /** The Received line's "with" keyword: qmail's SMTP, or RFC 3848's and RFC 6531's. */
    private String protocol() {
        if (tls == null && authUser == null && !utf8) return "SMTP";
        return (utf8 ? "UTF8SMTP" : "ESMTP") + (tls != null ? "S" : "") + (authUser != null ? "A" : "");
    }

    /**
     * STARTTLS (RFC 3207) or SMTPS: the handshake on the raw streams, then the session goes on
     * through TLS. What the client pipelined behind STARTTLS is dropped with the read buffer, and
     * everything learnt before (HELO name, transaction, AUTH) is forgotten (section 4.2). False when
     * TLS could not start: before the 220, the client hears 454 and the session goes on in
     * plaintext; after it, the handshake failed and the session is over.
     */
    private boolean startTls() throws IOException {
        java.io.InputStream rawIn = in.stream();
        java.io.OutputStream rawOut = out.stream();
        TlsStreams t;
        try {
            t = opts.tls().open(rawIn, rawOut);
        } catch (IOException | java.security.GeneralSecurityException e) {
            System.err.println("qmail-smtpd: TLS unavailable: " + Ascii.printable(String.valueOf(e.getMessage())));
            if (opts.smtps()) return false;
            reply("454 TLS not available due to temporary reason (#4.3.0)");
            return true;
        }
        if (!opts.smtps()) {
            out.line("220 ready for tls");
            out.flush();
        }
        in.switchTo(rawIn); // drop the plaintext pipelined behind STARTTLS
        try {
            t.handshake();
        } catch (IOException e) {
            System.err.println("qmail-smtpd: TLS handshake failed: " + Ascii.printable(String.valueOf(e.getMessage())));
            return false;
        }
        tls = t;
        in.switchTo(t.input());
        out.switchTo(t.output());
        seenMail = false;
        authUser = null;
        dohelo(peer.remoteHost());
        return true;
    }

    /** AUTH (RFC 4954); a failure costs a growing pause, and the fifth ends the session. */
    private void auth(String arg) throws IOException {
        if (opts.tlsRequired() && tls == null) {
            reply(STARTTLS_FIRST);
            return;
        }
        if (authUser != null) {
            reply("503 you're already authenticated (#5.5.0)");
            return;
        }
        if (seenMail) {
            reply("503 no auth during mail transaction (#5.5.0)");
            return;
        }
        String challenge = "<" + Long.toUnsignedString(new java.security.SecureRandom().nextLong()) + "."
            + clock.getAsLong() + "@" + controls.greeting().split(" ", 2)[0] + ">";
        boolean plaintextOk = tls != null || opts.tls() == null;
        Auth.Outcome o = new Auth(in, out, opts.auth()).run(arg, plaintextOk, challenge);
        if (o.verdict() == Verdict.ACCEPTED) {
            authUser = new String(o.user(), java.nio.charset.StandardCharsets.ISO_8859_1);
            reply("235 ok, go ahead (#2.0.0)");
            return;
        }
        authFailures++;
        if (authFailures >= MAX_AUTH_FAILURES) {
            reply("421 too many failed authentication attempts (#4.7.0)");
            exit = 1;
            throw new Hangup();
        }
        opts.pause().sleep(authFailures * AUTH_PAUSE_MILLIS);
        if (o.verdict() == null) reply(o.error());
        else if (o.verdict() == Verdict.TEMPORARY) reply("454 temporary authentication failure (#4.3.0)");
        else reply("535 authorization failed (#5.7.0)");
    }
}
