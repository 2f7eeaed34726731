package org.jqmail.fsck;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jqmail.common.QueueLayout;

/**
 * One pass over the message directories: every entry is looked at once, checked for its name, kind,
 * owner and mode, and a message file in the wrong split directory (or loose at the top of a split
 * directory) is moved to {@code DIR/(N mod 23)/N} when repairing and the place is free. What remains is
 * a map per directory from message number to its file and state, for {@link MessageCheck}.
 */
final class QueueScan {
    /** A message file where it now is. */
    record Found(Path path, FileState state) {}

    static final String[] FLAT = {"todo", "intd", "bounce"};

    private final Path queue;
    private final Owners owners;
    private final Report report;
    private final boolean repair;
    final Map<String, Map<Long, Found>> files = new HashMap<>();
    /** pid/ entries: any name (PID.TIME.SEQ), never more than a moment old when qmail-queue is alive. */
    final List<Found> pids = new ArrayList<>();

    QueueScan(Path queue, Owners owners, Report report, boolean repair) {
        this.queue = queue;
        this.owners = owners;
        this.report = report;
        this.repair = repair;
    }

    Map<Long, Found> of(String dir) {
        return files.getOrDefault(dir, Map.of());
    }

    void run() throws IOException {
        for (String dir : QueueLayout.SPLIT_DIRS) scanSplit(dir);
        for (String dir : FLAT) scanFlat(dir);
        scanPid();
    }

    private void scanSplit(String dir) throws IOException {
        Map<Long, Found> found = files.computeIfAbsent(dir, d -> new HashMap<>());
        List<Path> loose = new ArrayList<>();
        List<Path> misplaced = new ArrayList<>();
        for (Path top : list(queue.resolve(dir))) {
            String name = top.getFileName().toString();
            long s = QueueLayout.parseNumber(name);
            FileState st = FileState.of(top);
            if (st == null) continue;
            if (s >= 0 && s < QueueLayout.SPLIT && st.isDirectory()) {
                for (Path p : list(top)) {
                    long n = QueueLayout.parseNumber(p.getFileName().toString());
                    if (n >= 0 && QueueLayout.split(n) != s) misplaced.add(p);
                    else entry(dir, p, found);
                }
            } else if (s >= QueueLayout.SPLIT && st.isFile()) {
                loose.add(top);
            } else if (!(s >= 0 && s < QueueLayout.SPLIT)) {
                report.problem(rel(top), "stray entry in " + dir + "/ (" + st.kind() + ")");
            }
            // s < SPLIT but not a directory: TreeCheck has reported it already
        }
        misplaced.addAll(loose);
        for (Path p : misplaced) relocate(dir, p, found);
    }

    /** A numbered file outside its split directory: moved if the right place is free. */
    private void relocate(String dir, Path p, Map<Long, Found> found) throws IOException {
        long n = QueueLayout.parseNumber(p.getFileName().toString());
        Path right = queue.resolve(dir).resolve(Long.toString(QueueLayout.split(n))).resolve(Long.toString(n));
        String what = "belongs in " + rel(right) + " (" + n + " mod " + QueueLayout.SPLIT + " = " + QueueLayout.split(n) + ")";
        FileState st = FileState.of(p);
        if (st == null) return;
        if (!st.isFile()) {
            report.problem(rel(p), st.kind() + " where a message file should be");
            return;
        }
        FileState parent = FileState.of(right.getParent());
        boolean room = parent != null && parent.isDirectory();
        boolean taken = found.containsKey(n) || (room && FileState.of(right) != null);
        if (!repair) {
            report.problem(rel(p), what + (taken ? "; " + rel(right) + " exists too" : ""));
        } else if (taken) {
            report.notRepaired(rel(p), what, rel(right) + " exists too: compare them by hand");
        } else if (!room) {
            report.notRepaired(rel(p), what, rel(right.getParent()) + " is not a directory");
        } else {
            Repairs.move(p, right);
            report.repaired(rel(p), what, "moved");
            entry(dir, right, found);
            return;
        }
        // Not moved: still a message file of this number, so its partners are not reported missing.
        if (!found.containsKey(n)) found.put(n, new Found(p, st));
    }

    private void scanFlat(String dir) throws IOException {
        Map<Long, Found> found = files.computeIfAbsent(dir, d -> new HashMap<>());
        for (Path p : list(queue.resolve(dir))) entry(dir, p, found);
    }

    /** One entry that should be the message file {@code N} of {@code dir}. */
    private void entry(String dir, Path p, Map<Long, Found> found) throws IOException {
        FileState st = FileState.of(p);
        if (st == null) return;
        long n = QueueLayout.parseNumber(p.getFileName().toString());
        if (n < 0) {
            report.problem(rel(p), "stray entry in " + dir + "/ (" + st.kind() + ", name not a message number)");
            return;
        }
        if (!st.isFile()) {
            report.problem(rel(p), st.kind() + " where a message file should be");
            return;
        }
        Hier.FileRule rule = Hier.fileRule(dir);
        Ownership.check(p, rel(p), st, Hier.uid(rule.owner(), owners), -1, rule.mode(), report, repair);
        found.put(n, new Found(p, st));
    }

    private void scanPid() throws IOException {
        for (Path p : list(queue.resolve("pid"))) {
            FileState st = FileState.of(p);
            if (st != null) pids.add(new Found(p, st));
        }
    }

    String rel(Path p) {
        return queue.relativize(p).toString();
    }

    /** The entries of a directory, or none if it is missing (TreeCheck reports that). */
    private static List<Path> list(Path dir) throws IOException {
        List<Path> all = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) all.add(p);
        } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
            // reported by TreeCheck
        }
        return all;
    }
}
