package org.jqmail.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import org.jqmail.common.DurableFiles;
import org.jqmail.common.EnvelopeReader;
import org.jqmail.common.EnvelopeReader.EnvelopeException;
import org.jqmail.common.QueueExit;
import org.jqmail.common.QueueLayout;

/**
 * Puts one message into the queue in qmail-queue's crash-proof order (qmail-queue.c, INTERNALS):
 * <ol>
 * <li>create {@code pid/PID.TIME.SEQ} exclusively (SEQ 1..9; exit 63); its inode number N names the
 *     message;
 * <li>link it as {@code mess/(N mod 23)/N} (64) and unlink the pid name (63);
 * <li>fsync mess/S, then write the Received line and the message from fd 0 into it and {@code force}
 *     it (53 on a write error, 54 on a read error);
 * <li>create {@code intd/N} exclusively (65) and write {@code u}uid, {@code p}pid and the envelope records
 *     from fd 1 into it as they are read and checked, {@code force} (53/54, or the envelope's own 11/54/91);
 * <li>link {@code intd/N} as {@code todo/N} (66): the commit point; fsync todo/.
 * </ol>
 * Linux does not make a link durable by itself (qmail assumes BSD's synchronous metadata; notqmail
 * GH#94), hence the directory fsyncs: mess/S before intd exists, todo/ after the commit.
 * <p>
 * mess/S is synced as soon as the name is made, before the message is read: that sync then runs while
 * the message is still on its way (an SMTP client sends it only after the 354 that follows), and the
 * file's own fsync at the end finds its directory clean. On the queue's disk (docs/DECISIONS.md) that
 * took 100–180 µs off the wait between the last byte of a message and its acceptance. Nothing waits
 * for less: the name and the complete content are both durable before todo/N is made.
 * <p>
 * qmail-queued's clients that know the envelope before the message send it first
 * ({@link #injectEnvelopeFirst}): intd/N is then written as soon as N exists and synced on a second
 * thread, while this one syncs mess/S and reads, writes and syncs the message. The commit waits for
 * all three, so the order of durability is the same: name, message and envelope before todo/N.
 * <p>
 * If anything fails before the commit, whatever was made is truncated and removed again, intd first
 * (qmail-queue.c cleanup()): nothing partial is ever visible in todo/, and a message that was not queued
 * leaves no file behind. After the commit nothing is removed: the message is queued.
 * <p>
 * One instance injects one message; it is not for reuse.
 */
final class Injection {
    /** qmail-queue tries this many pid file names before it gives up (exit 63). */
    static final int PID_TRIES = 9;

    private static final Set<StandardOpenOption> CREATE = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    /** Queue files are 0644 (qmail-queue runs with umask 033); explicit, whatever umask the caller left. */
    private static final FileAttribute<Set<PosixFilePermission>> MODE_0644 =
        PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ));

    private final QueueLayout queue;
    private final String pidName;
    private final long pid;
    private final long startSeconds;
    private final Invoker invoker;
    private final TmpfileInodes inodes; // null: qmail-queue's pid/ file and O_EXCL intd/N

    // What exists so far, for the cleanup.
    private Path pidFile;
    private Path messFile;
    private FileChannel mess;
    private Path intdFile;
    private FileChannel intd;
    private boolean committed;

    /**
     * @param pid qmail-queue's process id (pid file name, Received line, {@code p} record)
     * @param startSeconds its start time (pid file name, Received line)
     */
    Injection(QueueLayout queue, long pid, long startSeconds, Invoker invoker) {
        this(queue, Long.toString(pid), pid, startSeconds, invoker);
    }

    /**
     * For qmail-queued, where many injections share one process: the pid file is
     * {@code pidName.startSeconds.SEQ}, and {@code pid} (the injection's qp) goes into the Received
     * line and the {@code p} record. A pid name with a dot in it never equals qmail-queue's.
     */
    Injection(QueueLayout queue, String pidName, long pid, long startSeconds, Invoker invoker) {
        this(queue, pidName, pid, startSeconds, invoker, null);
    }

    /**
     * For qmail-queued with {@code inodes}: the message and intd/N are made as unnamed inodes and then
     * linked under their names ({@link TmpfileInodes}); no pid file. The exit codes stay qmail-queue's:
     * no inode 63, the mess link 64, intd/N 65.
     */
    Injection(QueueLayout queue, String pidName, long pid, long startSeconds, Invoker invoker, TmpfileInodes inodes) {
        this.queue = queue;
        this.pidName = pidName;
        this.pid = pid;
        this.startSeconds = startSeconds;
        this.invoker = invoker;
        this.inodes = inodes != null && inodes.supported() ? inodes : null;
    }

    /**
     * Queues {@code message} with the envelope read from {@code envelope} (after the message has been
     * read to its end) and returns the message number N.
     */
    long inject(ReadableByteChannel message, InputStream envelope) throws QueueFailure, EnvelopeException {
        InjectionBuffers buffers = InjectionBuffers.ofThisThread();
        try {
            long n = createMess();
            syncMessDirectory();
            writeMessage(message, buffers.message);
            writeIntd(n, envelope, buffers.intd);
            forceIntd();
            commit(n);
            return n;
        } finally {
            // Also on an OutOfMemoryError or a bug: a message that is not committed leaves nothing.
            if (!committed) cleanup();
            close(mess);
            close(intd);
        }
    }

    /**
     * As {@link #inject}, with the envelope read first, before the message: intd/N is written at once
     * and synced by {@code syncs} (another thread) while mess/S is synced and the message read, written
     * and synced here. Of the three ways to share the three syncs between two threads this one waited
     * least at one message at a time (docs/DECISIONS.md): the intd sync then no longer follows the
     * message's.
     */
    long injectEnvelopeFirst(InputStream envelope, ReadableByteChannel message, Executor syncs)
            throws QueueFailure, EnvelopeException {
        InjectionBuffers buffers = InjectionBuffers.ofThisThread();
        FutureTask<Void> synced = null;
        try {
            long n = createMess();
            writeIntd(n, envelope, buffers.intd);
            FutureTask<Void> intdSync = new FutureTask<>(() -> {
                forceIntd();
                return null;
            });
            syncs.execute(intdSync);
            synced = intdSync; // only once it runs: the finally waits for it
            syncMessDirectory();
            writeMessage(message, buffers.message);
            await(synced);
            commit(n);
            return n;
        } finally {
            // The files are not closed or removed under the other thread's syncs.
            if (synced != null) awaitQuietly(synced);
            if (!committed) cleanup();
            close(mess);
            close(intd);
        }
    }

    /** The message's file, made and named; returns N. */
    private long createMess() throws QueueFailure {
        if (inodes != null) return createUnnamedMess();
        long n = createPidFile();
        linkMess(n);
        return n;
    }

    /** The syncs' outcome: their QueueFailure thrown here, as if they had run in this thread. */
    private static void await(FutureTask<Void> synced) throws QueueFailure {
        try {
            synced.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof QueueFailure q) throw q;
            throw new QueueFailure(QueueExit.WRITE_ERROR, "cannot sync the queue files", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueueFailure(QueueExit.WRITE_ERROR, "interrupted while syncing the queue files", e);
        }
    }

    private static void awaitQuietly(FutureTask<Void> synced) {
        boolean interrupted = false;
        for (;;) {
            try {
                synced.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                break; // reported by await, or the injection failed before it
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private long createPidFile() throws QueueFailure {
        IOException last = null;
        for (int seq = 1; seq <= PID_TRIES && mess == null; seq++) {
            Path p = queue.pidDir().resolve(pidName + "." + startSeconds + "." + seq);
            try {
                mess = FileChannel.open(p, CREATE, MODE_0644);
                pidFile = p;
            } catch (IOException e) {
                last = e;
            }
        }
        if (mess == null) throw new QueueFailure(QueueExit.QUEUE_PID, "cannot create a file in queue/pid", last);
        try {
            return (Long) Files.getAttribute(pidFile, "unix:ino");
        } catch (IOException | RuntimeException e) {
            throw new QueueFailure(QueueExit.QUEUE_PID, "cannot stat " + pidFile, e);
        }
    }

    /** The message as an unnamed inode linked as mess/S/N at once; N is its inode number. */
    private long createUnnamedMess() throws QueueFailure {
        TmpfileInodes.Unnamed u;
        try {
            u = inodes.make();
        } catch (IOException e) {
            throw new QueueFailure(QueueExit.QUEUE_PID, "cannot create a message inode", e);
        }
        try (u) {
            long n = u.inode();
            Path m = queue.mess(n);
            try {
                inodes.link(u, m);
            } catch (IOException e) {
                throw new QueueFailure(QueueExit.QUEUE_MESS, "cannot link " + m, e);
            }
            messFile = m;
            try {
                mess = FileChannel.open(m, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new QueueFailure(QueueExit.QUEUE_MESS, "cannot open " + m, e);
            }
            return n;
        }
    }

    /** intd/N as an unnamed inode given its name, which must not exist yet (65, as O_EXCL). */
    private FileChannel createUnnamedIntd(Path p) throws IOException {
        try (TmpfileInodes.Unnamed u = inodes.make()) {
            inodes.link(u, p);
            intdFile = p;
            return FileChannel.open(p, StandardOpenOption.WRITE);
        }
    }

    private void linkMess(long n) throws QueueFailure {
        Path m = queue.mess(n);
        try {
            Files.createLink(m, pidFile);
        } catch (IOException e) {
            throw new QueueFailure(QueueExit.QUEUE_MESS, "cannot link " + m, e);
        }
        messFile = m;
        try {
            Files.delete(pidFile);
        } catch (IOException e) {
            throw new QueueFailure(QueueExit.QUEUE_PID, "cannot unlink " + pidFile, e);
        }
        pidFile = null;
    }

    /** mess/S/N's name made durable; a failure is a write error (53), as the message's own fsync. */
    private void syncMessDirectory() throws QueueFailure {
        try {
            DurableFiles.syncDirectory(messFile.getParent());
        } catch (IOException e) {
            throw new QueueFailure(QueueExit.WRITE_ERROR, "cannot sync " + messFile.getParent(), e);
        }
    }

    /** The Received line, then fd 0 to its end; the file forced. */
    private void writeMessage(ReadableByteChannel message, ByteBuffer buf) throws QueueFailure {
        buf.put(ReceivedLine.format(pid, invoker, startSeconds).getBytes(StandardCharsets.ISO_8859_1));
        for (;;) {
            int r;
            try {
                r = message.read(buf);
            } catch (IOException e) {
                throw new QueueFailure(QueueExit.READ_ERROR, "cannot read the message", e);
            }
            if (r < 0) break;
            if (!buf.hasRemaining()) drain(buf);
        }
        drain(buf);
        try {
            mess.force(true);
        } catch (IOException e) {
            throw new QueueFailure(QueueExit.WRITE_ERROR, "cannot sync " + messFile, e);
        }
    }

    private void drain(ByteBuffer buf) throws QueueFailure {
        buf.flip();
        try {
            while (buf.hasRemaining()) mess.write(buf);
        } catch (IOException e) {
            throw new QueueFailure(QueueExit.WRITE_ERROR, "cannot write " + messFile, e);
        }
        buf.clear();
    }

    private void writeIntd(long n, InputStream envelope, ByteBuffer buf) throws QueueFailure, EnvelopeException {
        Path p = queue.intd(n);
        try {
            intd = inodes != null ? createUnnamedIntd(p) : FileChannel.open(p, CREATE, MODE_0644);
        } catch (IOException e) {
            throw new QueueFailure(QueueExit.QUEUE_INTD, "cannot create " + p, e);
        }
        intdFile = p;
        IntdWriter out = new IntdWriter(intd, buf);
        try {
            out.number('u', invoker.uid());
            out.number('p', pid);
            // Read errors are EnvelopeExceptions; an IOException here is the sink's, i.e. a write error.
            new EnvelopeReader(envelope).read(out);
            out.flush();
        } catch (IOException e) {
            throw new QueueFailure(QueueExit.WRITE_ERROR, "cannot write " + intdFile, e);
        }
    }

    private void forceIntd() throws QueueFailure {
        try {
            intd.force(true);
        } catch (IOException e) {
            throw new QueueFailure(QueueExit.WRITE_ERROR, "cannot sync " + intdFile, e);
        }
    }

    private void commit(long n) throws QueueFailure {
        Path todo = queue.todo(n);
        try {
            Files.createLink(todo, intdFile);
        } catch (IOException e) {
            throw new QueueFailure(QueueExit.QUEUE_TODO, "cannot link " + todo, e);
        }
        committed = true;
        try {
            DurableFiles.syncDirectory(todo.getParent());
        } catch (IOException e) {
            // Visible in todo/ and complete, so not undone: the caller will try again, and a duplicate
            // is what qmail prefers to a loss.
            throw new QueueFailure(QueueExit.WRITE_ERROR, "cannot sync " + todo.getParent(), e);
        }
    }

    /**
     * qmail-queue.c cleanup(): truncate first (the space comes back even if the unlink fails), intd
     * before mess, and stop if intd cannot be removed: a mess file left beside it lets qmail-send's
     * cleanup (which scans mess/) remove both later, while an intd file alone would stay forever.
     */
    private void cleanup() {
        if (intdFile != null) {
            truncate(intd);
            if (!delete(intdFile)) return;
        }
        if (messFile != null) {
            truncate(mess);
            delete(messFile);
        }
        if (pidFile != null) delete(pidFile);
    }

    private static void truncate(FileChannel ch) {
        try {
            if (ch != null) ch.truncate(0);
        } catch (IOException | RuntimeException e) {
            // best effort, as qmail's seek_trunc
        }
    }

    private static boolean delete(Path p) {
        try {
            Files.delete(p);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void close(FileChannel ch) {
        try {
            if (ch != null) ch.close();
        } catch (IOException e) {
            // the data is forced already, or the message is being abandoned
        }
    }
}
