package org.jqmail.spawn;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The words put in front of a command so that it runs under another uid and gid (DESIGN.md: a JVM cannot
 * fork and then setuid, so the identity change is an exec prefix). On Linux, util-linux's
 * {@code setpriv --reuid=UID --regid=GID --clear-groups --}: real, effective and saved ids all change,
 * and supplementary groups are dropped, as qmail's prot_gid/prot_uid do (qmail-lspawn(8): "It does not
 * set up any supplementary groups"). setpriv exits 127 if it cannot change the ids, and 126 or 127 if it
 * cannot run the program.
 */
public interface IdentityPrefix {
    List<byte[]> argv(int uid, int gid);

    static IdentityPrefix setpriv(Path setpriv) {
        byte[] program = setpriv.toString().getBytes(StandardCharsets.ISO_8859_1);
        return (uid, gid) -> List.of(program, ascii("--reuid=" + uid), ascii("--regid=" + gid),
            ascii("--clear-groups"), ascii("--"));
    }

    /** No identity change at all: for tests that do not run as root. */
    IdentityPrefix NONE = (uid, gid) -> List.of();

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
