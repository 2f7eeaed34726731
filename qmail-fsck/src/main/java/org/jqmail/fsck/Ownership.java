package org.jqmail.fsck;

import java.io.IOException;
import java.nio.file.Path;

/** Owner and mode of one entry against what qmail gives it; repaired with chown and chmod. */
final class Ownership {
    private Ownership() {}

    /** {@code gid} -1: the group is not checked (a mess file's group is its injector's). */
    static void check(Path p, String name, FileState s, int uid, int gid, int mode, Report report, boolean repair)
            throws IOException {
        StringBuilder what = new StringBuilder();
        if (s.uid() != uid) what.append("owner ").append(s.uid()).append(", not ").append(uid);
        if (gid >= 0 && s.gid() != gid) {
            if (!what.isEmpty()) what.append("; ");
            what.append("group ").append(s.gid()).append(", not ").append(gid);
        }
        if (s.permissions() != mode) {
            if (!what.isEmpty()) what.append("; ");
            what.append("mode ").append(FileState.octal(s.permissions())).append(", not ").append(FileState.octal(mode));
        }
        if (what.isEmpty()) return;
        if (!repair) {
            report.problem(name, what.toString());
            return;
        }
        // chown first: on Linux chown clears setuid/setgid bits, so the mode set afterwards is the one left.
        if (s.isFifo()) {
            Repairs.refifo(p, uid, gid, mode);
        } else {
            if (s.uid() != uid || (gid >= 0 && s.gid() != gid)) Repairs.owner(p, uid, gid);
            Repairs.mode(p, mode);
        }
        report.repaired(name, what.toString(), "set to " + uid + (gid >= 0 ? ":" + gid : "") + " " + FileState.octal(mode));
    }
}
