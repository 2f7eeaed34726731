package org.jqmail.send;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * qmail-send's log (qmail-log(5), qsutil.c), written to fd 0 one line at a time, with no time stamp: the
 * logger (multilog, splogger) adds it. qmailanalog's matchup parses these lines, so every line here has
 * qmail's exact words and spaces; variable text (addresses, delivery reports) goes through
 * {@link #safe}. Used from several threads (the event loop, the todo and the finishing threads), so each
 * line is written whole under the lock, and at once, as qmail's log1() does, except while the event
 * loop {@link #hold holds} the log for one turn of work: the lines of that turn (a delivery's result,
 * the next one's start, the status lines) then go out together in one write(2) when it
 * {@link #release releases} it, before the loop waits again. A line per write(2) cost seven writes
 * and as many wake-ups of multilog per relayed message (docs/DECISIONS.md); a turn takes
 * microseconds, so the logger's time stamps stay true.
 * <p>
 * A write error is ignored: qmail-send never stops delivering because its logger is slow or gone
 * (qmail ignores the return value of its log writes too).
 */
final class Log {
    private final OutputStream out;
    private byte[] pending = new byte[4096]; // guarded by this: lines not yet written
    private int length; // guarded by this
    private int holds; // guarded by this

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

    /** Lines from now on wait for {@link #release}; holds nest. */
    synchronized void hold() {
        holds++;
    }

    /** Ends a {@link #hold}; the last one writes what waited, in one write(2). */
    synchronized void release() {
        if (holds > 0 && --holds == 0) flush();
    }

    /** Adds {@code text} and a newline; written at once unless held. Only ASCII reaches here (see {@link #safe}). */
    synchronized void line(String text) {
        int n = text.length();
        if (length + n + 1 > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(2 * pending.length, length + n + 1));
        }
        for (int i = 0; i < n; i++) pending[length + i] = (byte) text.charAt(i); // ISO-8859-1: one byte per char
        pending[length + n] = '\n';
        length += n + 1;
        if (holds == 0) flush();
    }

    private void flush() {
        if (length == 0) return;
        try {
            out.write(pending, 0, length);
            out.flush();
        } catch (IOException e) {
            // nowhere to report it; deliveries go on
        }
        length = 0;
        // a burst of long lines made the buffer grow: give the memory back
        if (pending.length > 65536) pending = new byte[4096];
    }
}
