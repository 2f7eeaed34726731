package org.jqmail.fsck;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The directories and lock files of the queue ({@link Hier}): each must exist as the right kind of
 * entry with its owner, group qmail and mode. With repair, a missing directory or lock file is made
 * and a wrong owner or mode is set right; an entry of the wrong kind (a file where a directory should
 * be) is only reported, because what it holds is not ours to throw away.
 */
final class TreeCheck {
    private final Path queue;
    private final Owners owners;
    private final Report report;
    private final boolean repair;

    TreeCheck(Path queue, Owners owners, Report report, boolean repair) {
        this.queue = queue;
        this.owners = owners;
        this.report = report;
        this.repair = repair;
    }

    void run() throws IOException {
        for (Hier.Entry e : Hier.entries()) check(e);
    }

    private void check(Hier.Entry e) throws IOException {
        Path p = e.path().isEmpty() ? queue : queue.resolve(e.path());
        String name = e.path().isEmpty() ? "." : e.path();
        int uid = Hier.uid(e.owner(), owners);
        FileState s = FileState.of(p);
        if (s == null) {
            String what = "missing " + kind(e.kind());
            if (!repair) {
                report.problem(name, what);
                return;
            }
            switch (e.kind()) {
                case DIRECTORY -> Repairs.directory(p, uid, owners.qmailGid(), e.mode());
                case FILE -> Repairs.file(p, name.endsWith("tcpto") ? 1024 : 0, uid, owners.qmailGid(), e.mode());
                case FIFO -> Repairs.fifo(p, uid, owners.qmailGid(), e.mode());
            }
            report.repaired(name, what, "created, " + FileState.octal(e.mode()));
            return;
        }
        boolean rightKind = switch (e.kind()) {
            case DIRECTORY -> s.isDirectory();
            case FILE -> s.isFile();
            case FIFO -> s.isFifo();
        };
        if (!rightKind) {
            String what = s.kind() + ", not " + kind(e.kind());
            if (repair) report.notRepaired(name, what, "move it away by hand");
            else report.problem(name, what);
            return;
        }
        Ownership.check(p, name, s, uid, owners.qmailGid(), e.mode(), report, repair);
    }

    private static String kind(Hier.Kind k) {
        return switch (k) {
            case DIRECTORY -> "directory";
            case FILE -> "file";
            case FIFO -> "FIFO";
        };
    }
}
