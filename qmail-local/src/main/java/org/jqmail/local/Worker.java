package org.jqmail.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.jqmail.common.ReusedThreads;

/**
 * qmail-local --worker: many deliveries for one user in one warm JVM (docs/qmail-local.md "Worker
 * mode"). qmail-lspawn starts it exactly as it starts qmail-local, under the recipient's uid and gid
 * through setpriv, but with fd 0 a SOCK_SEQPACKET socket; each request on it names one delivery (the
 * eight arguments of the command line, {@link WorkerProtocol}) and carries the message's descriptor.
 * Each delivery runs in a thread of its own (a reused one, {@link ReusedThreads}) through the same {@link Delivery} as the command line, with
 * the message, a per-delivery copy of fds 1 and 2 ({@link ReportCapture}) and per-delivery settings;
 * the reply carries the exit code and those bytes, which qmail-lspawn turns into the same report as
 * for the command line.
 * <p>
 * The message is read through {@code /proc/self/fd/N}: a new read-only, seekable open of the very file
 * qmail-lspawn opened as root. The JDK cannot wrap a bare descriptor number in a FileChannel, and a
 * program delivery needs a file it can be given as fd 0 (ProcessBuilder opens it by name). Linux checks
 * the file's own mode for that open, not the path to it (queue/mess is closed to recipients): queue
 * files are 0644, as qmail's are, and qmail-lspawn hands a worker only messages that others may read.
 * <p>
 * At end of input (qmail-lspawn closed its end: idle, or gone) the worker lets the deliveries under way
 * finish, then exits 0. A request that is not one, or an Error in a delivery, ends it at once with 111:
 * qmail-lspawn then reports every delivery it had sent here as a temporary failure, as for a
 * qmail-local that crashed.
 */
final class Worker {
    static final String FLAG = "--worker";

    private final WorkerSocket socket;
    private final Self self;
    private final ReusedThreads deliveries = new ReusedThreads("delivery-", false);

    private Worker(WorkerSocket socket, Self self) {
        this.socket = socket;
        this.self = self;
    }

    /** Serves requests on fd 0 until end of input; the exit code. */
    static int serve() {
        Self self = Self.current();
        if (self == null) {
            System.err.println("qmail-local: worker: unable to read /proc/self/status");
            return 111;
        }
        return new Worker(new WorkerSocket(0), self.counting()).loop();
    }

    private int loop() {
        for (;;) {
            WorkerSocket.Received r;
            try {
                r = socket.receive();
            } catch (IOException | RuntimeException e) {
                System.err.println("qmail-local: worker: " + e.getMessage());
                return 111;
            }
            if (r == null) break;
            WorkerProtocol.Request req = r.truncated() ? null : WorkerProtocol.request(r.data(), r.length(), r.fds());
            if (req == null) {
                for (int fd : r.fds()) WorkerSocket.close(fd);
                System.err.println("qmail-local: worker: malformed request from qmail-lspawn");
                return 111;
            }
            start(req);
        }
        try {
            deliveries.finish();
        } catch (InterruptedException e) {
            return 111;
        }
        return 0;
    }

    private void start(WorkerProtocol.Request req) {
        try {
            deliveries.start(() -> {
                try {
                    serveOne(req);
                } catch (Throwable e) { // an Error (out of memory, ...): this JVM is not to be trusted any more
                    Runtime.getRuntime().halt(111);
                }
            });
        } catch (OutOfMemoryError | RejectedExecutionException e) {
            Runtime.getRuntime().halt(111); // no thread to be had: as for an Error in a delivery
        }
    }

    private void serveOne(WorkerProtocol.Request req) {
        ReportCapture report = new ReportCapture();
        Result r;
        try {
            r = deliver(req, report);
        } catch (RuntimeException e) {
            // The command line would die with a stack trace and exit 1, which bounces; when in doubt, temporary.
            r = Result.temporary("Internal error in qmail-local worker: " + e.getClass().getName() + ". (#4.3.0)");
        } finally {
            WorkerSocket.close(req.messageFd());
        }
        Main.writeResult(r, report, report);
        byte[] out = report.bytes();
        try {
            socket.send(WorkerProtocol.reply(req.id(), r.exitCode(), out, out.length));
        } catch (IOException e) {
            // qmail-lspawn is gone; it reports this delivery as a temporary failure (or never learns of it)
        }
    }

    /** One delivery, as Main.run makes it from the command line. */
    private Result deliver(WorkerProtocol.Request req, ReportCapture report) {
        List<String> argv = new ArrayList<>(1 + WorkerProtocol.ARGUMENTS);
        argv.add("--");
        argv.addAll(req.arguments());
        Arguments args = Arguments.parse(argv);
        if (args == null) return Result.permanent(Arguments.USAGE);
        Delivery.Settings settings = new Delivery.Settings(new TimeoutLocal(),
            Delivery.Settings.DEFAULT_LOCK_WAIT_MILLIS, OutputBudget.DEFAULT_LIMIT);
        Message message;
        try {
            message = Message.open(Path.of("/proc/self/fd/" + req.messageFd()));
        } catch (IOException e) {
            return Message.readError(e).result();
        }
        try {
            return new Delivery(args, message, new QueueForwarder(), settings, self, report, report,
                System.currentTimeMillis() / 1000).run();
        } finally {
            try {
                message.close();
            } catch (IOException e) {
                // a read-only descriptor; the delivery's outcome stands whatever close says
            }
        }
    }
}
