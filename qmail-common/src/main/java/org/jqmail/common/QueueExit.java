package org.jqmail.common;

/**
 * qmail-queue's exit codes (qmail-queue(8)) and the texts qmail's callers give for them (qmail.c's
 * qmail_close). 11–40 are permanent; everything else but 0 is temporary.
 * <p>
 * {@link #isPermanent} follows the man page; {@link #report} follows qmail_close, which also treats the
 * old code 115 as "address too long" (permanent). A caller that turns an exit code into an SMTP reply or
 * a delivery verdict should go by the first character of {@link #report}, as qmail's callers do.
 */
public final class QueueExit {
    private QueueExit() {}

    public static final int OK = 0;
    public static final int ADDRESS_TOO_LONG = 11;
    public static final int REFUSED_PERMANENTLY = 31;
    public static final int OUT_OF_MEMORY = 51;
    public static final int TIMEOUT = 52;
    public static final int WRITE_ERROR = 53;
    public static final int READ_ERROR = 54;
    public static final int CONFIG_ERROR = 55;
    public static final int NETWORK_ERROR = 56;
    public static final int HOME_DIR = 61;
    public static final int QUEUE_DIR = 62;
    public static final int QUEUE_PID = 63;
    public static final int QUEUE_MESS = 64;
    public static final int QUEUE_INTD = 65;
    public static final int QUEUE_TODO = 66;
    public static final int REFUSED_TEMPORARILY = 71;
    public static final int CONNECT_TIMEOUT = 72;
    public static final int CONNECT_REFUSED = 73;
    public static final int COMMUNICATION_FAILED = 74;
    public static final int INTERNAL_BUG = 81;
    public static final int CUSTOM_ERROR = 82;
    public static final int ENVELOPE_FORMAT = 91;
    /** Not qmail-queue's: what a caller's child exits with when exec of qmail-queue failed. */
    public static final int EXEC_FAILED = 120;

    public static boolean isPermanent(int code) {
        return code >= 11 && code <= 40;
    }

    /**
     * The caller's report for an exit code: first character {@code D} (permanent) or {@code Z}
     * (temporary), as qmail_close() returns it. 0 gives the empty string. Exit 82's text comes from fd 6
     * and is the caller's to read; without it this gives the generic temporary text.
     */
    public static String report(int code) {
        return switch (code) {
            case OK -> "";
            case ADDRESS_TOO_LONG, 115 -> "Denvelope address too long for qq (#5.1.3)";
            case REFUSED_PERMANENTLY -> "Dmail server permanently rejected message (#5.3.0)";
            case OUT_OF_MEMORY -> "Zqq out of memory (#4.3.0)";
            case TIMEOUT -> "Zqq timeout (#4.3.0)";
            case WRITE_ERROR -> "Zqq write error or disk full (#4.3.0)";
            case READ_ERROR -> "Zqq read error (#4.3.0)";
            case CONFIG_ERROR -> "Zqq unable to read configuration (#4.3.0)";
            case NETWORK_ERROR -> "Zqq trouble making network connection (#4.3.0)";
            case HOME_DIR -> "Zqq trouble in home directory (#4.3.0)";
            case QUEUE_DIR, QUEUE_PID, QUEUE_MESS, QUEUE_INTD, QUEUE_TODO ->
                "Zqq trouble creating files in queue (#4.3.0)";
            case REFUSED_TEMPORARILY -> "Zmail server temporarily rejected message (#4.3.0)";
            case CONNECT_TIMEOUT -> "Zconnection to mail server timed out (#4.4.1)";
            case CONNECT_REFUSED -> "Zconnection to mail server rejected (#4.4.1)";
            case COMMUNICATION_FAILED -> "Zcommunication with mail server failed (#4.4.2)";
            case INTERNAL_BUG, ENVELOPE_FORMAT -> "Zqq internal bug (#4.3.0)";
            case EXEC_FAILED -> "Zunable to exec qq (#4.3.0)";
            default -> isPermanent(code) ? "Dqq permanent problem (#5.3.0)" : "Zqq temporary problem (#4.3.0)";
        };
    }

    /** The report for a qmail-queue killed by a signal. */
    public static String crashed() {
        return "Zqq crashed (#4.3.0)";
    }
}
