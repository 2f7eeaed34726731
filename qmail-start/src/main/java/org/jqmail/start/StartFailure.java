package org.jqmail.start;

/**
 * Why qmail-start could not bring the mail system up. qmail's qmail-start dies silently with 111; ours
 * says why in one {@code alert:} line on the log, where the administrator reads qmail-send's alerts,
 * and still exits 111 (temporary: supervise starts it again a second later).
 */
final class StartFailure extends Exception {
    private static final long serialVersionUID = 1L;

    StartFailure(String why) {
        super(why, null, false, false);
    }

    /** The log line, newline included. */
    String alert() {
        return "alert: qmail-start: " + getMessage() + "\n";
    }
}
