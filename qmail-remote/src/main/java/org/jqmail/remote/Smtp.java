package org.jqmail.remote;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One SMTP dialogue, qmail's (qmail-remote.c smtp): greeting 220, {@code HELO helohost} answered 250,
 * {@code MAIL FROM:<sender>}, one {@code RCPT TO:<recipient>} at a time, {@code DATA}, the message,
 * the final reply, {@code QUIT}. No EHLO, so no extensions: the message is sent as it is, 8-bit bytes
 * included, exactly as qmail sends it (qmail-remote(8): "qmail-remote will happily send such
 * messages"). Once connected, the outcome is final: no other MX is tried, as in qmail.
 * <p>
 * Verdicts: a reply of 500 or more is permanent, 400 or more (and garbage, see {@link SmtpReply})
 * temporary; the greeting must be 220 and HELO 250, else temporary. A recipient gets {@code h} (5xx),
 * {@code s} (4xx) or {@code r}; with no {@code r} the message is given up permanently. A connection that
 * dies or stalls past timeoutremote is temporary, with "Possible duplicate!" once the final dot is out.
 * QUIT is sent before the report and its answer is not awaited; unlike qmail, a failure to send QUIT
 * does not turn the verdict into "connection died" (the server already gave its answer).
 */
final class Smtp {
    private final SmtpConnection conn;
    private final SmtpReply reply;
    private final String partner;
    private boolean critical;

    Smtp(SmtpConnection conn, String partner) {
        this.conn = conn;
        this.reply = new SmtpReply(conn);
        this.partner = partner;
    }

    /** Runs the dialogue; recipient reports go to {@code out}; the message report is returned. */
    Verdict run(String helohost, String sender, List<String> recipients, InputStream message, Reports out)
            throws Blast.MessageProblem {
        try {
            if (reply.next() != 220) return quit('Z', "Connected to ", " but greeting failed");
            send("HELO " + helohost + "\r\n");
            if (reply.next() != 250) return quit('Z', "Connected to ", " but my name was rejected");
            send("MAIL FROM:<" + sender + ">\r\n");
            int code = reply.next();
            if (code >= 500) return quit('D', "Connected to ", " but sender was rejected");
            if (temporary(code)) return quit('Z', "Connected to ", " but sender was rejected");
            boolean any = false;
            for (String r : recipients) {
                send("RCPT TO:<" + r + ">\r\n");
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
            if (!any) return quit('D', "Giving up on ", "");
            send("DATA\r\n");
            code = reply.next();
            if (code >= 500) return quit('D', "", " failed on DATA command");
            if (temporary(code)) return quit('Z', "", " failed on DATA command");
            Blast.send(message, conn);
            critical = true;
            Blast.end(conn);
            code = reply.next();
            critical = false;
            if (code >= 500) return quit('D', "", " failed after I sent the message");
            if (temporary(code)) return quit('Z', "", " failed after I sent the message");
            return quit('K', "", " accepted message");
        } catch (IOException e) {
            return dropped();
        }
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
        return t.isEmpty() ? "" : "Remote host said: " + t;
    }

    private Verdict quit(char letter, String prepend, String append) {
        try {
            send("QUIT\r\n");
        } catch (IOException e) {
            // the verdict stands; see the class comment
        }
        return Verdict.of(letter, prepend + partner + append + ".\n" + said());
    }

    private Verdict dropped() {
        return Verdict.temporary("Connected to " + partner + " but connection died. "
            + (critical ? "Possible duplicate! " : "") + "(#4.4.2)\n");
    }
}
