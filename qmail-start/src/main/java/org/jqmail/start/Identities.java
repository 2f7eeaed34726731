package org.jqmail.start;

import jnr.posix.Group;
import jnr.posix.POSIX;
import jnr.posix.Passwd;

/**
 * The ids qmail-start hands out (qmail-start.c's inituid/initgid, looked up at run time as notqmail
 * does): the logger runs as qmaill with group nofiles; qmail-rspawn as qmailr, qmail-clean as qmailq,
 * qmail-send as qmails, all three with group qmail; qmail-lspawn stays root with group qmail.
 */
record Identities(int qmaill, int qmailq, int qmailr, int qmails, int nofiles, int qmail) {
    static Identities lookUp(POSIX posix) throws StartFailure {
        return new Identities(uid(posix, "qmaill"), uid(posix, "qmailq"), uid(posix, "qmailr"),
            uid(posix, "qmails"), gid(posix, "nofiles"), gid(posix, "qmail"));
    }

    private static int uid(POSIX posix, String name) throws StartFailure {
        Passwd p = posix.getpwnam(name);
        if (p == null) throw new StartFailure("unable to find user " + name);
        long uid = p.getUID();
        // uid 0 for a qmail user would make every "unprivileged" child root.
        if (uid <= 0 || uid > Integer.MAX_VALUE) throw new StartFailure("user " + name + " has uid " + uid);
        return (int) uid;
    }

    private static int gid(POSIX posix, String name) throws StartFailure {
        Group g = posix.getgrnam(name);
        if (g == null) throw new StartFailure("unable to find group " + name);
        long gid = g.getGID();
        if (gid <= 0 || gid > Integer.MAX_VALUE) throw new StartFailure("group " + name + " has gid " + gid);
        return (int) gid;
    }
}
