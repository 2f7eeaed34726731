package org.jqmail.smtpd;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.jqmail.common.ConstMap;
import org.jqmail.common.ControlFile;
import org.jqmail.common.RcptHosts;

/**
 * qmail-smtpd's configuration, read once at start (qmail-smtpd.c's setup()): {@link #read} takes the
 * files, {@link #forSession} the connection's environment (qmail-smtpd-server reads the files once for
 * many connections, see {@link SetupCache}).
 *
 * @param greeting control/smtpgreeting, else control/me
 * @param liphost control/localiphost, else control/me; null (neither exists): {@code [d.d.d.d]} is kept
 * @param timeoutSeconds control/timeoutsmtpd (1200), for every read and write; at least 1
 * @param databytes control/databytes, or $DATABYTES; 0 = no limit
 * @param rcpthosts control/rcpthosts and control/morercpthosts.cdb
 * @param badmailfrom control/badmailfrom, or null when it does not exist
 */
record Controls(String greeting, String liphost, long timeoutSeconds, long databytes, RcptHosts rcpthosts,
        ConstMap badmailfrom) {
    /** Thrown when qmail-smtpd cannot run: {@code 421 unable to read controls (#4.3.0)}. */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String why, Throwable cause) {
            super(why, cause);
        }
    }

    /**
     * Every file {@link #read} looks at (RcptHosts.load reads the last two). qmail-smtpd-server reuses
     * what was read while none of these changed: a file read and not listed would be cached past its
     * change.
     */
    static final List<String> FILES = List.of("smtpgreeting", "me", "localiphost", "timeoutsmtpd", "badmailfrom",
        "databytes", "rcpthosts", "morercpthosts.cdb");

    static Controls load(ControlFile control, Map<String, String> env) throws Unreadable {
        return read(control).forSession(env);
    }

    /** The controls alone (databytes as control/databytes says); the result holds morercpthosts.cdb open. */
    static Controls read(ControlFile control) throws Unreadable {
        try {
            String greeting = control.lineOrMe("smtpgreeting", null);
            if (greeting == null) throw new Unreadable("neither control/smtpgreeting nor control/me exists", null);
            String liphost = control.lineOrMe("localiphost", null);
            long timeout = control.number("timeoutsmtpd", 1200);
            if (timeout <= 0) timeout = 1;
            List<String> bmf = control.list("badmailfrom");
            long databytes = control.number("databytes", 0);
            RcptHosts rcpthosts = RcptHosts.load(control);
            return new Controls(greeting, liphost, timeout, databytes, rcpthosts,
                bmf == null ? null : ConstMap.ofLines(bmf));
        } catch (IOException e) {
            throw new Unreadable(e.getMessage(), e);
        }
    }

    /** These controls for a connection: $DATABYTES, if set, wins over control/databytes. */
    Controls forSession(Map<String, String> env) {
        String fromEnv = env.get("DATABYTES");
        if (fromEnv == null) return this;
        return new Controls(greeting, liphost, timeoutSeconds, leadingNumber(fromEnv), rcpthosts, badmailfrom);
    }

    /** scan_ulong: the leading digits as a number (none = 0), too big = the largest long. */
    static long leadingNumber(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') break;
            n = n > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : n * 10 + (c - '0');
        }
        return n;
    }
}
