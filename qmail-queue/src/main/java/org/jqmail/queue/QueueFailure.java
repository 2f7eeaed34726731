package org.jqmail.queue;

/**
 * The message was not queued; {@link #exitCode()} is the qmail-queue(8) exit code that says why (a
 * {@link org.jqmail.common.QueueExit} constant). Thrown by the injection steps, turned into the process's
 * exit status by {@link Main} and nowhere else.
 */
final class QueueFailure extends Exception {
    private final int exitCode;

    QueueFailure(int exitCode, String message, Throwable cause) {
        super(message, cause, false, false);
        this.exitCode = exitCode;
    }

    QueueFailure(int exitCode, String message) {
        this(exitCode, message, null);
    }

    int exitCode() {
        return exitCode;
    }
}
