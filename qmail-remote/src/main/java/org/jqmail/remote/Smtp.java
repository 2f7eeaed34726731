package org.jqmail.remote;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSession;

/**
 * One SMTP dialogue, qmail's (qmail-remote.c smtp) with the ESMTP of the qmail TLS patches: greeting
 * 220; {@code EHLO helohost}, and {@code HELO} if EHLO is not answered 250 (then no extensions);
 * STARTTLS when offered (RFC 3207) and not refused by control/tlsdestinations, then EHLO again; AUTH if
 * the smtproute has credentials; {@code MAIL FROM:<sender>} with {@code BODY=8BITMIME} and
 * {@code SMTPUTF8} where the message needs them and the server offers them; one {@code RCPT} at a
 * time, {@code DATA}, the message, the final reply, {@code QUIT}. No SIZE.
 * <p>
 * PIPELINING (RFC 2920), which qmail-remote never had: where the server offers it, MAIL, the RCPTs and
 * DATA go out in one write and their replies are read in order, each judged exactly as in the
 * one-at-a-time dialogue, so reports are the same bytes; two round trips per message instead of three
 * plus one per recipient. Only a group that fits in {@link #GROUP_BYTES} is sent so (it then fits in
 * any socket's send buffer, and the write cannot wait on a server that is itself waiting for us to read
 * its replies); a longer recipient list goes one at a time. When no recipient was accepted and the
 * server still answered DATA with 354, a lone dot ends the empty data (RFC 2920 3.1).
 * <p>
 * Verdicts: a reply of 500 or more is permanent, 400 or more (and garbage, see {@link SmtpReply})
 * temporary; the greeting must be 220 and HELO 250, else temporary. A recipient gets {@code h} (5xx),
 * {@code s} (4xx) or {@code r}; with no {@code r} the message is given up permanently. A connection that
 * dies or stalls past timeoutremote is temporary, with "Possible duplicate!" once the final dot is out.
 * Once connected the outcome is final, as in qmail, except for the TLS failures marked
 * {@link Verdict#nextMx}. QUIT is sent before the report and its answer is not awaited; unlike qmail, a
 * failure to send QUIT does not turn the verdict into "connection died". After the handshake every
 * message report ends with a line {@code TLS: PROTOCOL CIPHER, certificate ...}.
 * <p>
 * The dialogue is in two parts, {@link #open} and {@link #transaction}, so that qmail-rspawn can keep a
 * session whose message was accepted and run the next message's transaction on it
 * ({@link IdleSessions}); {@link #run} is the two with QUIT, one message per connection.
 */
final class Smtp implements AutoCloseable {
    /** The largest MAIL, RCPTs and DATA group sent at once (below Linux's smallest default send buffer, 16 KB). */
    static final int GROUP_BYTES = 8192;

    private final SmtpConnection conn;
    private final SmtpReply reply;
    private final String partner;
    private final long opened = System.nanoTime();
    private final List<String> secrets = new ArrayList<>();
    private boolean critical;
    private String tlsNote = "";
    private Extensions ext; // set by open
    private boolean broken; // an I/O error or a timeout: nothing more is sent
    private boolean stale; // the last transaction found the connection gone before MAIL was answered
    private boolean reusable; // the last transaction ended with the message accepted, cleanly

    Smtp(SmtpConnection conn, String partner) {
        this.conn = conn;
        this.reply = new SmtpReply(conn);
        this.partner = partner;
    }

    /**
     * The whole dialogue on one connection, as qmail-remote has it: {@link #open}, one
     * {@link #transaction}, QUIT. Recipient reports go to {@code out}; the message report is returned.
     */
    Verdict run(Plan plan, Target target, int port, Reports out) throws Blast.MessageProblem {
        Verdict v = open(plan, target, port);
        if (v != null) return v;
        v = transaction(plan, out);
        quit();
        return v;
    }

    /**
     * Greeting, EHLO, STARTTLS and AUTH as the plan asks: null when the session is ready for
     * {@link #transaction}s, else the verdict, with QUIT sent.
     */
    Verdict open(Plan plan, Target target, int port) {
        TlsDestinations.Rule rule = plan.tls();
        try {
            if (rule.smtps()) {
                Verdict v = handshake(plan, target, port);
                if (v != null) return v;
            }
            if (reply.next() != 220) return quit('Z', "Connected to ", " but greeting failed");
            Extensions ext = hello(plan.helohost(), true);
            if (ext == null) return quit('Z', "Connected to ", " but my name was rejected");
            if (tlsNote.isEmpty() && !rule.never()) {
                if (ext.startTls()) {
                    send("STARTTLS\r\n");
                    int code = reply.next();
                    if (code == 220) {
                        if (reply.buffered()) {
                            // plaintext after the 220 would be taken as a reply from inside TLS (CVE-2011-0411's kin)
                            return tlsFailure("the server sent data after its 220 to STARTTLS");
                        }
                        Verdict v = handshake(plan, target, port);
                        if (v != null) return v;
                        ext = hello(plan.helohost(), false);
                        if (ext == null) return quit('Z', "Connected to ", " but my name was rejected");
                    } else if (rule.required()) {
                        return quit('Z', "Connected to ", " but STARTTLS was refused, and control/tlsdestinations requires TLS. (#4.7.10)").nextMx();
                    }
                } else if (rule.required()) {
                    return quit('Z', "Connected to ", " but it does not offer STARTTLS, and control/tlsdestinations requires TLS. (#4.7.10)").nextMx();
                }
            }
            if (plan.auth() != null) {
                Verdict v = auth(plan.auth(), ext);
                if (v != null) return v;
            }
            this.ext = ext;
            return null;
        } catch (IOException e) {
            return dropped();
        }
    }

    /**
     * One message on a session that {@link #open} made ready (or that an earlier transaction left
     * ready): MAIL, one RCPT per recipient, DATA, the message, the final reply. Recipient reports go
     * to {@code out}; the message report is returned. No QUIT: the caller ends the session
     * ({@link #quit}) or keeps it for the next message ({@link #reusable}).
     */
    Verdict transaction(Plan plan, Reports out) throws Blast.MessageProblem {
        stale = false;
        reusable = false;
        try {
            if (plan.utf8Envelope() && !ext.smtpUtf8()) {
                return verdict('D', "Connected to ", " but it does not offer SMTPUTF8: non-ASCII addresses not permitted for that sender/recipient. (#5.6.7)");
            }
            if (plan.utf8Header() && !ext.smtpUtf8()) {
                return verdict('D', "Connected to ", " but it does not offer SMTPUTF8: UTF-8 header message cannot be transferred to one or more recipients, so the message must be rejected. (#5.6.9)");
            }
            boolean utf8 = (plan.utf8Envelope() || plan.utf8Header()) && ext.smtpUtf8();
            String mail = "MAIL FROM:<" + plan.sender() + ">" + (plan.eightBit() && ext.eightBitMime() ? " BODY=8BITMIME" : "")
                + (utf8 ? " SMTPUTF8" : "") + "\r\n";
            String group = ext.pipelining() ? group(mail, plan.recipients()) : null;
            boolean pipelined = group != null;
            int code;
            try {
                send(pipelined ? group : mail);
                code = reply.next();
            } catch (IOException e) {
                stale = true;
                throw e;
            }
            // 421: the server is closing the session (an idle one, typically) and has taken nothing
            if (code == 421) stale = true;
            if (code >= 500) return verdict('D', "Connected to ", " but sender was rejected");
            if (temporary(code)) return verdict('Z', "Connected to ", " but sender was rejected");
            boolean any = false;
            for (String r : plan.recipients()) {
                if (!pipelined) send(rcpt(r));
                code = reply.next();
                if (code >= 500) {
                    out.recipient('h', partner + " does not like recipient.\n" + said());
                } else if (temporary(code)) {
                    out.recipient('s', partner + " does not like recipient.\n" + said());
                } else {
                    out.recipient('r', "");
                    any = true;
                }
            }
            if (!any) {
                if (pipelined) endEmptyData();
                return verdict('D', "Giving up on ", "");
            }
            if (!pipelined) send("DATA\r\n");
            code = reply.next();
            if (code >= 500) return verdict('D', "", " failed on DATA command");
            if (temporary(code)) return verdict('Z', "", " failed on DATA command");
            Blast.send(plan.message(), conn);
            critical = true;
            Blast.end(conn);
            code = reply.next();
            critical = false;
            if (code >= 500) return verdict('D', "", " failed after I sent the message");
            if (temporary(code)) return verdict('Z', "", " failed after I sent the message");
            // Anything more from the server now would be taken as the next command's reply.
            reusable = !reply.buffered();
            return verdict('K', "", " accepted message");
        } catch (IOException e) {
            return dropped();
        }
    }

    /** MAIL, the RCPTs and DATA as one PIPELINING group; null when it would be longer than {@link #GROUP_BYTES}. */
    static String group(String mail, List<String> recipients) {
        StringBuilder b = new StringBuilder(mail);
        for (String r : recipients) {
            b.append(rcpt(r));
            if (b.length() > GROUP_BYTES) return null;
        }
        b.append("DATA\r\n");
        return b.length() > GROUP_BYTES ? null : b.toString();
    }

    private static String rcpt(String recipient) {
        return "RCPT TO:<" + recipient + ">\r\n";
    }

    /**
     * Pipelined, no recipient accepted: DATA's reply is still to come. A server that answers it 354
     * (it should not) gets a lone dot, so that an empty message for nobody ends cleanly. Neither reply
     * goes into the report, which stays the one-at-a-time dialogue's.
     */
    private void endEmptyData() {
        try {
            if (reply.next() == 354) {
                send(".\r\n");
                reply.next();
            }
        } catch (IOException e) {
            broken = true; // the verdict stands: nothing was delivered either way
        }
        reply.forget();
    }

    /**
     * The last transaction found the connection gone (closed, or 421) before the server answered MAIL:
     * nothing of the message was taken and no recipient was reported, so it may be tried again on a
     * new connection. Only a kept session can be stale: a new one was answering a moment before.
     */
    boolean stale() {
        return stale;
    }

    /** The last transaction ended with the message accepted and nothing left unread: the session can take another. */
    boolean reusable() {
        return reusable && !broken;
    }

    /** Whether the session may still be idle and usable: no byte (nor end of stream) has come since. */
    boolean quiet() {
        return !broken && !reply.buffered() && conn.quiet();
    }

    /** Milliseconds since the connection was made. */
    long ageMillis() {
        return (System.nanoTime() - opened) / 1_000_000;
    }

    /** Sends QUIT and does not wait for its answer; nothing on a broken connection. */
    void quit() {
        if (broken) return;
        try {
            send("QUIT\r\n");
        } catch (IOException e) {
            // the verdict stands; see the class comment
        }
    }

    @Override
    public void close() {
        conn.close();
    }

    /** EHLO, and HELO if EHLO is not answered 250 ({@code fallback}); null if the name was refused. */
    private Extensions hello(String helohost, boolean fallback) throws IOException {
        send("EHLO " + helohost + "\r\n");
        if (reply.next() == 250) return Extensions.parse(reply.text());
        if (!fallback) return null;
        send("HELO " + helohost + "\r\n");
        return reply.next() == 250 ? Extensions.NONE : null;
    }

    /** The TLS handshake and the rule's certificate checks; null when TLS is up, else the verdict. */
    private Verdict handshake(Plan plan, Target target, int port) {
        TlsDestinations.Rule rule = plan.tls();
        try {
            conn.startTls(TlsClient.engine(rule, plan.root(), target.name(), port));
        } catch (GeneralSecurityException e) {
            return Verdict.control(); // the CA file of the rule cannot be used
        } catch (IOException | RuntimeException e) {
            return tlsFailure(reason(e));
        }
        SSLSession s = conn.tlsSession();
        String checked = switch (rule.check()) {
            case NONE -> "certificate not verified";
            case CHAIN -> "certificate chain verified";
            case NAME_WILDCARD, NAME_EXACT -> "certificate verified for " + Reports.safe(String.valueOf(target.name()));
        };
        if (rule.check() == TlsDestinations.Check.NAME_WILDCARD || rule.check() == TlsDestinations.Check.NAME_EXACT) {
            X509Certificate leaf = null;
            try {
                Certificate[] chain = s.getPeerCertificates();
                if (chain.length > 0 && chain[0] instanceof X509Certificate x) leaf = x;
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                // no certificate: refused below
            }
            if (leaf == null || !CertName.matches(leaf, target.name(), rule.check() == TlsDestinations.Check.NAME_WILDCARD)) {
                tlsNote = "";
                return tlsFailure("the certificate does not name " + (target.name() == null ? "the address" : Reports.safe(target.name())));
            }
        }
        tlsNote = "TLS: " + s.getProtocol() + " " + s.getCipherSuite() + ", " + checked + "\n";
        return null;
    }

    private Verdict tlsFailure(String why) {
        return Verdict.temporary("Connected to " + partner + " but TLS negotiation failed: " + why + ". (#4.7.5)\n").nextMx();
    }

    /** The exception's message, cut to one printable line of at most 200 bytes. */
    private static String reason(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < m.length() && b.length() < 200; i++) {
            char c = m.charAt(i);
            b.append(c < 32 || c > 126 ? '?' : c);
        }
        return b.toString();
    }

    private Verdict auth(Credentials c, Extensions ext) throws IOException {
        String mech = SmtpAuth.choose(ext.auth(), !tlsNote.isEmpty(), c);
        if (mech == null) {
            if (ext.auth().isEmpty()) return quit('Z', "Connected to ", " but it does not offer AUTH. (#4.7.0)");
            return quit('Z', "Connected to ", " but without TLS I would have to send my password in the clear"
                + " (AUTH PLAIN or LOGIN); see smtproutes for -user. (#4.7.11)");
        }
        int code = SmtpAuth.run(mech, c, new SmtpAuth.Wire() {
            @Override
            public int command(String line) throws IOException {
                send(line);
                return reply.next();
            }

            @Override
            public String replyText() {
                return reply.text();
            }

            @Override
            public void secret(String s) {
                secrets.add(s);
            }
        });
        if (code == 235) return null;
        if (code == SmtpAuth.BAD_CHALLENGE) {
            reply.forget();
            return quit('Z', "Connected to ", " but its AUTH " + mech + " challenge is not base64");
        }
        return quit(code >= 500 ? 'D' : 'Z', "Connected to ", " but authentication was rejected (AUTH " + mech + ")");
    }

    private static boolean temporary(int code) {
        return code >= 400 || code == SmtpReply.GARBAGE;
    }

    private void send(String line) throws IOException {
        conn.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** "Remote host said: " and the last reply, once (outsmtptext); empty if it was already reported. */
    private String said() {
        String t = reply.text();
        reply.forget();
        for (String s : secrets) t = t.replace(s, "(hidden)");
        return t.isEmpty() ? "" : "Remote host said: " + t;
    }

    /** QUIT, then the verdict: for the failures that end a session while it is being opened. */
    private Verdict quit(char letter, String prepend, String append) {
        quit();
        return verdict(letter, prepend, append);
    }

    private Verdict verdict(char letter, String prepend, String append) {
        // a text that ends with its code "(#x.y.z)" has its full stop before the code already
        boolean coded = append.endsWith(")") && append.lastIndexOf("(#") >= 0 && append.lastIndexOf("(#") == append.lastIndexOf('(');
        String end = coded ? "\n" : ".\n";
        return Verdict.of(letter, prepend + partner + append + end + said() + tlsNote);
    }

    private Verdict dropped() {
        broken = true;
        return Verdict.temporary("Connected to " + partner + " but connection died. "
            + (critical ? "Possible duplicate! " : "") + "(#4.4.2)\n" + tlsNote);
    }
}
