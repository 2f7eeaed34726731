package org.jqmail.common;

/**
 * The end of a program that runs once per message (sendmail, qmail-inject, qmail-queue, qmail-local,
 * qmail-remote): System.out and System.err flushed, then {@code Runtime.halt}. {@code System.exit}
 * first looks up the System.Logger "java.lang.Runtime" to log the call (JDK 21 and later), which starts
 * the JDK's logging service lookup: measured at ~9 ms of a bare JVM's ~33 ms run on our machines, a few
 * with an AOT cache, paid by every message. halt also skips shutdown hooks: these programs have none
 * left when they end (sendmail removes the one it holds while a child runs), and whatever they wrote
 * through their own buffers they have flushed, as System.exit would not have done it for them either.
 */
public final class QuickExit {
    private QuickExit() {}

    /** Never returns. */
    public static void now(int status) {
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }
}
