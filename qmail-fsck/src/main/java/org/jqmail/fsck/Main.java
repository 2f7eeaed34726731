package org.jqmail.fsck;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jqmail.common.QmailRoot;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * qmail-fsck: checks the queue's invariants and, with --repair, mends what is safe to mend
 * (docs/qmail-fsck.md). Exit 0: clean (or everything found was repaired); 1: problems remain; 100:
 * usage; 111: could not check (qmail-send running, unreadable queue, a repair that failed).
 */
@Command(name = "qmail-fsck", mixinStandardHelpOptions = true, version = "qmail-fsck (jqmail) 0.1",
    sortOptions = false,
    description = {
        "Checks the queue (ROOT/queue) as qmail lays it out: directories, owners and modes, the lock files,",
        "every message's files and their formats, and orphans left by crashed injections.",
        "Prints one line per problem and a summary. Stop qmail-send first (svc -d ROOT/supervise/qmail-send),",
        "or use --read-only."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:the queue is clean (with --repair: every problem found was repaired)",
        "1:problems were found (and, with --repair, some were not repairable)",
        "100:usage error",
        "111:trouble: qmail-send is running, or the queue could not be read or repaired"})
final class Main implements Callable<Integer> {
    static final int CLEAN = 0;
    static final int PROBLEMS = 1;
    static final int USAGE = 100;
    static final int TROUBLE = 111;

    @Option(names = "--repair", description = "Fix what is safe: owners and modes, misplaced message files, "
        + "orphans older than a day, missing directories, trigger FIFO, sendmutex and tcpto. Needs qmail-send stopped.")
    boolean repair;

    @Option(names = "--read-only", description = "Check while qmail-send may be running. A message being "
        + "injected or processed at that moment may show up as a problem; run again to confirm.")
    boolean readOnly;

    @Option(names = "--queue", paramLabel = "DIR", description = "The queue directory (default: ROOT/queue).")
    Path queue;

    private final PrintStream out;
    private final PrintStream err;
    Owners owners;
    Path procLocks = Path.of("/proc/locks");
    long now = System.currentTimeMillis();

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(new Main(out, err), args);
    }

    static int run(Main m, String[] args) {
        CommandLine cl = new CommandLine(m);
        cl.setOut(new java.io.PrintWriter(m.out, true));
        cl.setErr(new java.io.PrintWriter(m.err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            m.err.println("qmail-fsck: usage: " + ex.getMessage());
            m.err.println("qmail-fsck: try qmail-fsck --help");
            return USAGE;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        if (repair && readOnly) {
            err.println("qmail-fsck: usage: --repair and --read-only exclude each other");
            return USAGE;
        }
        Path q = queue != null ? queue : QmailRoot.queue();
        Report report = new Report(out);
        try {
            if (FileState.of(q) == null) {
                err.println("qmail-fsck: fatal: no queue at " + Report.printable(q.toString()));
                return TROUBLE;
            }
            if (SendMutex.held(q.resolve("lock/sendmutex"), procLocks)) {
                if (!readOnly) {
                    err.println("qmail-fsck: fatal: qmail-send is running (lock/sendmutex is locked): stop it first,"
                        + (repair ? "" : " or use --read-only"));
                    return TROUBLE;
                }
                report.warning("qmail-send is running: a message it is working on may show up as a problem");
            }
            Owners o = owners != null ? owners : Owners.system();
            Fsck.run(q, o, report, repair, now, Fsck.DAY_MILLIS);
        } catch (IOException | RuntimeException e) {
            out.flush();
            err.println("qmail-fsck: fatal: " + Report.printable(String.valueOf(e.getMessage())));
            return TROUBLE;
        }
        report.summary();
        return report.problems() == report.repaired() ? CLEAN : PROBLEMS;
    }
}
