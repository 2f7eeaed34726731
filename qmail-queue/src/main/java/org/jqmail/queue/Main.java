package org.jqmail.queue;

import java.io.BufferedInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jqmail.common.ControlFile;
import org.jqmail.common.EnvelopeReader.EnvelopeException;
import org.jqmail.common.InheritedFd;
import org.jqmail.common.QmailRoot;
import org.jqmail.common.QueueExit;
import org.jqmail.common.QueueLayout;

/**
 * qmail-queue: puts one message into the queue (qmail-queue(8); docs/qmail-queue.md).
 * <p>
 * Reads the message on fd 0 to its end, then the envelope on fd 1 ({@code F}sender NUL, {@code T}recipient
 * NUL ..., NUL), writes both into the queue in qmail's crash-proof order ({@link Injection}), pulls
 * qmail-send's trigger and exits 0. Any other exit status means the message was not queued: 11–40
 * permanently, the rest temporarily. Like qmail's, it prints no diagnostics; the one exception is an
 * internal bug (exit 81), which says on fd 2 what went wrong so it can be found in the caller's log.
 * <p>
 * It runs as qmailq behind the setuid shim bin/qmail-queue, which passes the caller's real uid in
 * {@code JQMAIL_INVOKER_UID}. Started once per message: plain JDK only, nothing heavy.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        org.jqmail.common.QuickExit.now(run());
    }

    /** Everything that decides the exit status, mapped to it in this one place. */
    static int run() {
        try {
            inject();
            return QueueExit.OK;
        } catch (Throwable t) {
            return exitCode(t, "qmail-queue");
        }
    }

    /**
     * The exit code for an injection that ended with {@code t}: qmail-queue's and qmail-queued's one
     * mapping. Only an internal bug is reported, on fd 2, with {@code who} in front.
     */
    static int exitCode(Throwable t, String who) {
        if (t instanceof QueueFailure f) return f.exitCode();
        if (t instanceof EnvelopeException e) {
            return switch (e.problem()) {
                case TOO_LONG -> QueueExit.ADDRESS_TOO_LONG;
                case FORMAT -> QueueExit.ENVELOPE_FORMAT;
                case TRUNCATED -> QueueExit.READ_ERROR;
            };
        }
        if (t instanceof OutOfMemoryError) return QueueExit.OUT_OF_MEMORY;
        try {
            System.err.println(who + ": internal bug: " + t);
            System.err.flush();
        } catch (Throwable ignored) {
            // nothing more to say
        }
        return QueueExit.INTERNAL_BUG;
    }

    /** control/timeoutqueue (55 if unreadable), as qmail-queue's alarm. */
    static long timeout(Path root) throws QueueFailure {
        try {
            return new ControlFile(root.resolve("control")).number("timeoutqueue", Death.DEFAULT_SECONDS);
        } catch (IOException e) {
            throw new QueueFailure(QueueExit.CONFIG_ERROR, "cannot read control/timeoutqueue", e);
        }
    }

    private static void inject() throws QueueFailure, EnvelopeException, IOException {
        long start = System.currentTimeMillis() / 1000;
        long pid = ProcessHandle.current().pid();
        // qmail-queue chdirs to QMAILHOME (61) and then to queue (62); we never chdir, but keep the codes.
        Path root = QmailRoot.get();
        if (!Files.isDirectory(root)) throw new QueueFailure(QueueExit.HOME_DIR, "no directory " + root);
        // before anything is opened, which could take the number of a closed fd 0 or 1
        if (!StandardFd.handedOver(0, root)) throw new QueueFailure(QueueExit.READ_ERROR, "fd 0 is closed");
        if (!StandardFd.handedOver(1, root)) throw new QueueFailure(QueueExit.READ_ERROR, "fd 1 is closed");
        Death.arm(timeout(root));
        QueueLayout queue = new QueueLayout(root.resolve("queue"));
        if (!Files.isDirectory(queue.queue())) throw new QueueFailure(QueueExit.QUEUE_DIR, "no directory " + queue.queue());

        Invoker invoker = Invoker.current();
        Trigger trigger = Trigger.prepare(queue.trigger(), queue.sendmutex()); // opens while the message is written
        // fd 0 as a channel (no copy through the heap); fd 1 buffered, as EnvelopeReader reads bytewise.
        ReadableByteChannel message = new FileInputStream(FileDescriptor.in).getChannel();
        InputStream envelope = new BufferedInputStream(InheritedFd.input(1), 8192);
        new Injection(queue, pid, start, invoker).inject(message, envelope);
        trigger.pull();
    }
}
