package org.jqmail.fsck;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.jqmail.common.QueueLayout;

/**
 * The invariants between a message's files (INTERNALS, qmail-send(8)):
 * <ul>
 * <li>every todo/N, info/S/N, local/S/N, remote/S/N and bounce/N has its mess/S/N; local and remote
 *     also need info (the sender); none of these is repaired, because only a person can tell what the
 *     message was;
 * <li>todo, info, local and remote are well formed ({@link RecordFormat}); not repaired either;
 * <li>mess/S/N is named after its inode (qmail-queue's uniqueness rests on it; a queue copied to
 *     another file system breaks it); reported;
 * <li>garbage: a mess file with no todo, info, local, remote or bounce, an intd file with no todo, or
 *     any pid file, older than {@code orphanAge}. qmail-queue gives up after a day (qmail-queue.c's
 *     DEATH, 86400 s), so by then no live injection can own it, and without todo (the commit point)
 *     or info no one will ever deliver it: removing it is safe, and that is the one deletion qmail-fsck
 *     makes. Younger ones are in-flight injections and are left alone.
 * </ul>
 */
final class MessageCheck {
    private final QueueScan scan;
    private final Report report;
    private final boolean repair;
    private final long now;
    private final long orphanAgeMillis;

    MessageCheck(QueueScan scan, Report report, boolean repair, long now, long orphanAgeMillis) {
        this.scan = scan;
        this.report = report;
        this.repair = repair;
        this.now = now;
        this.orphanAgeMillis = orphanAgeMillis;
    }

    void run() throws IOException {
        Map<Long, QueueScan.Found> mess = scan.of("mess");
        Map<Long, QueueScan.Found> todo = scan.of("todo");
        Map<Long, QueueScan.Found> info = scan.of("info");
        for (String dir : new String[] {"todo", "info", "local", "remote", "bounce"}) {
            for (Map.Entry<Long, QueueScan.Found> e : scan.of(dir).entrySet()) {
                long n = e.getKey();
                Path p = e.getValue().path();
                if (!mess.containsKey(n)) {
                    report.problem(scan.rel(p), "no " + QueueLayout.messName(n) + (repair ? "; not repaired: the message is gone" : ""));
                }
                if ((dir.equals("local") || dir.equals("remote")) && !info.containsKey(n)) {
                    report.problem(scan.rel(p), "no info/" + QueueLayout.split(n) + "/" + n + " (the sender)"
                        + (repair ? "; not repaired" : ""));
                }
                RecordFormat.Kind kind = switch (dir) {
                    case "todo" -> RecordFormat.Kind.TODO;
                    case "info" -> RecordFormat.Kind.INFO;
                    case "local", "remote" -> RecordFormat.Kind.RECIPIENTS;
                    default -> null;
                };
                if (kind != null) {
                    String bad = RecordFormat.check(p, kind);
                    if (bad != null) report.problem(scan.rel(p), bad + (repair ? "; not repaired" : ""));
                }
            }
        }
        // intd before mess, as qmail-queue's cleanup: a mess left behind is still found by the next run.
        Map<Long, QueueScan.Found> intd = scan.of("intd");
        for (Map.Entry<Long, QueueScan.Found> e : intd.entrySet()) {
            if (!todo.containsKey(e.getKey()) && old(e.getValue())) garbage(e.getValue(), "no todo, older than " + age());
        }
        for (Map.Entry<Long, QueueScan.Found> e : mess.entrySet()) {
            long n = e.getKey();
            QueueScan.Found f = e.getValue();
            if (f.state().ino() != n) {
                report.problem(scan.rel(f.path()), "inode " + f.state().ino() + ", not " + n
                    + " (a queue copied between file systems?)" + (repair ? "; not repaired" : ""));
            }
            boolean referenced = todo.containsKey(n) || info.containsKey(n) || scan.of("local").containsKey(n)
                || scan.of("remote").containsKey(n) || scan.of("bounce").containsKey(n)
                || (intd.containsKey(n) && !old(intd.get(n)));
            if (!referenced && old(f)) garbage(f, "neither todo nor info, older than " + age());
        }
        for (QueueScan.Found f : scan.pids) {
            if (old(f)) garbage(f, "left by a qmail-queue that died, older than " + age());
        }
        report.messages(mess.size());
    }

    private boolean old(QueueScan.Found f) {
        return now - f.state().mtimeMillis() > orphanAgeMillis;
    }

    private void garbage(QueueScan.Found f, String what) throws IOException {
        String name = scan.rel(f.path());
        if (!repair) {
            report.problem(name, "orphan: " + what);
            return;
        }
        Repairs.delete(f.path());
        report.repaired(name, "orphan: " + what, "removed");
    }

    private String age() {
        long s = orphanAgeMillis / 1000;
        return s % 86400 == 0 ? (s / 86400 == 1 ? "a day" : s / 86400 + " days") : s + " seconds";
    }
}
