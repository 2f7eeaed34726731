package org.jqmail.fsck;

import java.util.ArrayList;
import java.util.List;
import org.jqmail.common.QueueLayout;

/**
 * The queue as the installer lays it out (install/hier.sh, qmail's hier.c) and the owner and mode of
 * each kind of file, as the programs that write them create them: qmail-queue's Injection makes mess,
 * intd (= todo) and pid files 0644 as qmailq; qmail-send makes info, local, remote and bounce files
 * 0600 as qmails (qmail-start's umask 077 gives qmail the same).
 */
final class Hier {
    private Hier() {}

    enum Who { QMAILQ, QMAILS, QMAILR }

    /** A directory, file or FIFO that must exist, relative to the queue. */
    record Entry(String path, Kind kind, Who owner, int mode) {}

    enum Kind { DIRECTORY, FILE, FIFO }

    /** The owner and mode of a message file in the directory {@code dir} (mess, todo, info, ...). */
    record FileRule(Who owner, int mode) {}

    static FileRule fileRule(String dir) {
        return switch (dir) {
            case "mess", "intd", "todo", "pid" -> new FileRule(Who.QMAILQ, 0644);
            default -> new FileRule(Who.QMAILS, 0600); // info, local, remote, bounce
        };
    }

    static int uid(Who who, Owners owners) {
        return switch (who) {
            case QMAILQ -> owners.qmailq();
            case QMAILS -> owners.qmails();
            case QMAILR -> owners.qmailr();
        };
    }

    /** Every directory and lock file, parents before children, exactly as make_tree creates them. */
    static List<Entry> entries() {
        List<Entry> e = new ArrayList<>();
        e.add(new Entry("", Kind.DIRECTORY, Who.QMAILQ, 0750));
        e.add(new Entry("pid", Kind.DIRECTORY, Who.QMAILQ, 0700));
        e.add(new Entry("intd", Kind.DIRECTORY, Who.QMAILQ, 0700));
        e.add(new Entry("todo", Kind.DIRECTORY, Who.QMAILQ, 0750));
        e.add(new Entry("bounce", Kind.DIRECTORY, Who.QMAILS, 0700));
        e.add(new Entry("mess", Kind.DIRECTORY, Who.QMAILQ, 0750));
        e.add(new Entry("info", Kind.DIRECTORY, Who.QMAILS, 0700));
        e.add(new Entry("local", Kind.DIRECTORY, Who.QMAILS, 0700));
        e.add(new Entry("remote", Kind.DIRECTORY, Who.QMAILS, 0700));
        e.add(new Entry("lock", Kind.DIRECTORY, Who.QMAILQ, 0750));
        for (int i = 0; i < QueueLayout.SPLIT; i++) {
            e.add(new Entry("mess/" + i, Kind.DIRECTORY, Who.QMAILQ, 0750));
            e.add(new Entry("info/" + i, Kind.DIRECTORY, Who.QMAILS, 0700));
            e.add(new Entry("local/" + i, Kind.DIRECTORY, Who.QMAILS, 0700));
            e.add(new Entry("remote/" + i, Kind.DIRECTORY, Who.QMAILS, 0700));
        }
        e.add(new Entry("lock/tcpto", Kind.FILE, Who.QMAILR, 0644));
        e.add(new Entry("lock/sendmutex", Kind.FILE, Who.QMAILS, 0600));
        e.add(new Entry("lock/trigger", Kind.FIFO, Who.QMAILS, 0622));
        return e;
    }
}
