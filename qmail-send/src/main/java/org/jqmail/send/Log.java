package org.jqmail.send;

import java.io.IOException;
import java.io.OutputStream;

/**
 * qmail-send's log (qmail-log(5), qsutil.c), written to fd 0 one line at a time, with no time stamp: the
 * logger (multilog, splogger) adds it. qmailanalog's matchup parses these lines, so every line here has
 * qmail's exact words and spaces; variable text (addresses, delivery reports) goes through
 * {@link #safe}. Used from several threads (the event loop, the todo and the finishing threads), so each
 * line is written whole under the lock and flushed at once, as qmail's log1() does.
 * <p>
 * A write error is ignored: qmail-send never stops delivering because its logger is slow or gone
 * (qmail ignores the return value of its log writes too).
 */
final class Log {
    private final OutputStream out;
    private final byte[] buf = new byte[4096];

    Log(OutputStream out) {
        this.out = out;
    }

    /**
     * qsutil.c logsafe(): LF becomes '/', and every byte that is not printable ASCII (below 33, above
     * 126) or is '%' becomes '_'. So a report {@code did 0+0+1\n} logs as {@code did_0+0+1/}, and no
     * address can forge a second log line or a syslog format directive.
     */
    static String safe(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            char r = c == '\n' ? '/' : (c < 33 || c > 126 || c == '%') ? '_' : c;
            if (r != c && b == null) b = new StringBuilder(s.length()).append(s, 0, i);
            if (b != null) b.append(r);
        }
        return b == null ? s : b.toString();
    }

    void newMsg(long id) { line("new msg " + id); }

    void infoMsg(long id, long bytes, String sender, long qp, long uid) {
        line("info msg " + id + ": bytes " + bytes + " from <" + safe(sender) + "> qp " + qp + " uid " + uid);
    }

    void startingDelivery(long delid, long id, int channel, String recipient) {
        line("starting delivery " + delid + ": msg " + id + (channel == Channel.LOCAL ? " to local " : " to remote ")
            + safe(recipient));
    }

    void success(long delid, String text) { line("delivery " + delid + ": success: " + safe(text)); }

    void deferral(long delid, String text) { line("delivery " + delid + ": deferral: " + safe(text)); }

    void failure(long delid, String text) { line("delivery " + delid + ": failure: " + safe(text)); }

    void mangled(long delid) { line("delivery " + delid + ": report mangled, will defer"); }

    /** del_status(): busy and maximum slots of each channel. */
    void status(int localUsed, int localMax, int remoteUsed, int remoteMax, boolean exitasap) {
        line("status: local " + localUsed + "/" + localMax + " remote " + remoteUsed + "/" + remoteMax
            + (exitasap ? " exitasap" : ""));
    }

    void bounceMsg(long id, long qp) { line("bounce msg " + id + " qp " + qp); }

    void tripleBounce(long id) { line("triple bounce: discarding bounce/" + id); }

    void endMsg(long id) { line("end msg " + id); }

    void exiting() { line("status: exiting"); }

    void warning(String text) { line("warning: " + text); }

    void alert(String text) { line("alert: " + text); }

    /** Writes {@code text} and a newline as one write(2). Only ASCII reaches here (see {@link #safe}). */
    synchronized void line(String text) {
        byte[] b = text.length() < buf.length ? buf : new byte[text.length() + 1];
        int n = text.length();
        for (int i = 0; i < n; i++) b[i] = (byte) text.charAt(i); // ISO-8859-1: one byte per char
        b[n] = '\n';
        try {
            out.write(b, 0, n + 1);
            out.flush();
        } catch (IOException e) {
            // nowhere to report it; deliveries go on
        }
    }
}
