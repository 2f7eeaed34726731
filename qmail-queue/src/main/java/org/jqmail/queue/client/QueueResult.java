package org.jqmail.queue.client;

/**
 * What became of one submission to qmail-queue: its process id (qmail's "qp", 0 if it never ran), its
 * exit status, and the report qmail's qmail_close() gives for it: empty when the message was queued,
 * otherwise a text whose first character says permanent ({@code D}) or temporary ({@code Z}), e.g.
 * {@code Zqq write error or disk full (#4.3.0)}.
 *
 * @param pid the qmail-queue process id, 0 if it could not be started
 * @param exitCode its exit status; {@link #CRASHED} if a signal killed it
 * @param report qmail_close()'s text: "" for queued, else {@code D...} or {@code Z...}
 */
public record QueueResult(long pid, int exitCode, String report) {
    /** {@link #exitCode} of a qmail-queue killed by a signal. */
    public static final int CRASHED = -1;

    public QueueResult {
        if (report == null) throw new IllegalArgumentException("report is null");
        if (!report.isEmpty() && report.charAt(0) != 'D' && report.charAt(0) != 'Z') {
            throw new IllegalArgumentException("report must start with D or Z: " + report);
        }
    }

    /** True if the message is in the queue. */
    public boolean queued() {
        return report.isEmpty();
    }

    /** True if it was refused permanently (the sender should be told); false if queued or temporary. */
    public boolean permanent() {
        return !report.isEmpty() && report.charAt(0) == 'D';
    }

    /** True if it was not queued for a temporary reason (try again later). */
    public boolean temporary() {
        return !report.isEmpty() && report.charAt(0) == 'Z';
    }

    /** The report without its D/Z letter, as it goes into an SMTP reply or a delivery report; "" if queued. */
    public String text() {
        return report.isEmpty() ? "" : report.substring(1);
    }
}
