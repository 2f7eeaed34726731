package org.jqmail.local;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * qmail-local: deliver or forward one mail message (docs/qmail-local.md).
 * <pre>
 *   qmail-local [-nN] [--] user homedir local dash ext domain sender defaultdelivery
 * </pre>
 * fd 0: the message, a seekable file. fd 1: {@code did F+W+P} (and {@code qp PID}) on success, and the
 * output of programs; fd 2: the reason for a failure, one line. Exit 0 delivered, 100 permanent failure,
 * 111 temporary failure. qmail-lspawn runs it under the recipient's uid with fd 1 and fd 2 on one pipe.
 * <p>
 * Control file {@code timeoutlocal} (seconds, default 86400): how long a program delivery may run.
 * qmail has no such limit; without one a hung program would hold a delivery slot forever.
 * <p>
 * {@code qmail-local --worker} is the warm form qmail-lspawn uses instead ({@link Worker}).
 */
public final class Main {
    private Main() {}

    public static void main(String[] argv) {
        // "--worker" was a usage error before; the worker's classes are loaded only on this branch.
        if (argv.length == 1 && argv[0].equals(Worker.FLAG)) System.exit(Worker.serve());
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        OutputStream err = new FileOutputStream(FileDescriptor.err);
        Result r = run(org.jqmail.common.RawArguments.of(argv), err, out);
        writeResult(r, out, err);
        org.jqmail.common.QuickExit.now(r.exitCode());
    }

    /**
     * qmail-local's last words: the success text ("did ...", "qp ...") on fd 1, or the failure text and
     * a newline on fd 2. The worker writes them the same way into a delivery's report.
     */
    static void writeResult(Result r, OutputStream out, OutputStream err) {
        try {
            if (r.kind() == Result.Kind.SUCCESS) {
                out.write(Delivery.bytes(r.text()));
            } else if (!r.text().isEmpty()) {
                err.write(Delivery.bytes(r.text() + "\n"));
            }
            out.flush();
            err.flush();
        } catch (IOException e) {
            // nobody is listening; the exit code still tells qmail-lspawn
        }
    }

    private static Result run(List<String> argv, OutputStream err, OutputStream out) {
        Arguments args = Arguments.parse(argv);
        if (args == null) return Result.permanent(Arguments.USAGE);
        Self self = Self.current();
        if (self == null) return Result.temporary("Unable to read /proc/self/status. (#4.3.0)");
        Delivery.Settings settings = new Delivery.Settings(new TimeoutLocal(),
            Delivery.Settings.DEFAULT_LOCK_WAIT_MILLIS, OutputBudget.DEFAULT_LIMIT);
        Message message = Message.standardInput();
        return new Delivery(args, message, new QueueForwarder(), settings, self, out, err,
            System.currentTimeMillis() / 1000).run();
    }
}
