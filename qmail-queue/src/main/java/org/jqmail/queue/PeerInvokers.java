package org.jqmail.queue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.jqmail.common.FileStamp;
import org.jqmail.common.SystemUsers;

/**
 * qmail-queued's {@link Invoker#ofPeer} answers, kept while the passwd file stays the same: each answer
 * reads the passwd file up to four times (the peer, alias, qmaild, qmails), and the daemon asks once
 * per injection. The file's modification time, size and inode are checked (one stat) before every
 * answer; when any of them differs, or the modification time is so recent that a second change in the
 * same clock tick would not show (file times are coarse), everything is looked up again.
 */
final class PeerInvokers {
    private final Path passwd;
    private final SystemUsers users;
    private final Map<String, Invoker> known = new HashMap<>(); // guarded by this
    private Object version; // guarded by this: what the passwd file looked like when {@code known} was filled

    PeerInvokers(Path passwd) {
        this.passwd = passwd;
        this.users = new SystemUsers(passwd);
    }

    static PeerInvokers system() {
        return new PeerInvokers(Path.of("/etc/passwd"));
    }

    /** The invoker of peer {@code name}, as {@link Invoker#ofPeer} says. */
    synchronized Invoker of(String name) throws IOException {
        Object now = FileStamp.of(passwd); // null: unreadable, or too fresh to be trusted
        if (now == null || !now.equals(version)) {
            known.clear();
            version = now;
        }
        Invoker i = known.get(name);
        if (i == null) {
            i = Invoker.ofPeer(name, users);
            if (now != null) known.put(name, i);
        }
        return i;
    }
}
