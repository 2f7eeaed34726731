package org.jqmail.fsck;

import java.io.IOException;
import org.jqmail.common.SystemUsers;

/**
 * The ids the queue belongs to (qmail's INSTALL.ids): qmailq writes mess, intd, todo and pid (it is
 * qmail-queue's setuid owner); qmails writes info, local, remote and bounce (qmail-send); qmailr owns
 * lock/tcpto (qmail-remote); every queue directory has group qmail.
 */
record Owners(int qmailq, int qmails, int qmailr, int qmailGid) {
    static Owners system() throws IOException {
        SystemUsers users = SystemUsers.system();
        SystemUsers.Account q = users.byName("qmailq");
        if (q == null) throw new IOException("no such account: qmailq");
        // qmailq's primary group is qmail (INSTALL.ids: useradd -g qmail qmailq).
        return new Owners(q.uid(), users.uid("qmails"), users.uid("qmailr"), q.gid());
    }

    /** Everything owned by one id: what a test queue made by an ordinary user looks like. */
    static Owners all(int uid, int gid) {
        return new Owners(uid, uid, uid, gid);
    }
}
