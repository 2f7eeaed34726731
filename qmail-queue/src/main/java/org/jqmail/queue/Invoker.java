package org.jqmail.queue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jqmail.common.SystemUsers;

/**
 * Who ran qmail-queue: the caller's real uid, which goes into intd/N ({@code u} record) and, as a
 * phrase, into the Received line. qmail-queue.c takes getuid(); behind our setuid shim the real uid is
 * already qmailq's (the shim makes real ids equal to effective ids before it starts the JVM), so the
 * shim hands the caller's real uid over in {@code JQMAIL_INVOKER_UID}. Without the shim (qmailq or
 * root running the program directly) the process's own real uid is used.
 *
 * @param uid the caller's real uid
 * @param how {@code by alias}, {@code from network}, {@code for bounce} or {@code by uid N}
 */
record Invoker(long uid, String how) {
    /** The variable the shim sets; the shim builds a fresh environment, so a caller cannot forge it. */
    static final String ENV = "JQMAIL_INVOKER_UID";

    /** The largest uid Linux allows (uid_t is 32 bits, and -1 is reserved). */
    private static final long MAX_UID = 0xfffffffeL;

    /**
     * The invoker of this process. The phrase is qmail's: the uids of the accounts alias, qmaild and
     * qmails are looked up in the passwd file; an account that does not exist (or a passwd file that
     * cannot be read) matches nobody, and the line says {@code by uid N}, which is the truth anyway.
     */
    static Invoker current() throws IOException {
        String fromShim = System.getenv(ENV);
        long uid = fromShim != null ? parseUid(fromShim) : realUid(Path.of("/proc/self/status"));
        if (uid < 0) throw new IOException("cannot tell the invoking uid");
        return of(uid, SystemUsers.system());
    }

    /**
     * The invoker behind a connection to qmail-queued, from the peer credentials the kernel recorded
     * when it connected (SO_PEERCRED): the JDK hands over the user's name (getpwuid), or the uid in
     * decimal when the uid has no name. The name is turned back into the uid with {@code users}; a name
     * that is in neither form (an account only NSS knows) cannot be told, and is an IOException, as a
     * missing /proc is for {@link #current()}.
     */
    static Invoker ofPeer(String name, SystemUsers users) throws IOException {
        SystemUsers.Account a = users.byName(name);
        long uid = a != null ? a.uid() : parseUid(name);
        if (uid < 0) throw new IOException("cannot tell the uid of peer " + name);
        return of(uid, users);
    }

    /** The invoker with uid {@code uid}, its phrase found with {@code users}. */
    static Invoker of(long uid, SystemUsers users) {
        String how;
        if (uid == uidOf(users, "alias")) how = "by alias";
        else if (uid == uidOf(users, "qmaild")) how = "from network";
        else if (uid == uidOf(users, "qmails")) how = "for bounce";
        else how = "by uid " + uid;
        return new Invoker(uid, how);
    }

    private static long uidOf(SystemUsers users, String name) {
        try {
            SystemUsers.Account a = users.byName(name);
            return a == null ? -1 : a.uid();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The real uid: the first number of the {@code Uid:} line of /proc/self/status; -1 if none. */
    static long realUid(Path status) throws IOException {
        String text = new String(Files.readAllBytes(status), StandardCharsets.ISO_8859_1);
        int at;
        if (text.startsWith("Uid:")) {
            at = 0;
        } else {
            at = text.indexOf("\nUid:");
            if (at < 0) return -1;
            at++;
        }
        int i = at + 4;
        while (i < text.length() && (text.charAt(i) == '\t' || text.charAt(i) == ' ')) i++;
        int end = i;
        while (end < text.length() && text.charAt(end) >= '0' && text.charAt(end) <= '9') end++;
        return parseUid(text.substring(i, end));
    }

    /** A uid in decimal, digits only, at most {@link #MAX_UID}; -1 for anything else. */
    static long parseUid(String s) {
        if (s.isEmpty() || s.length() > 10) return -1;
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v > MAX_UID ? -1 : v;
    }
}
