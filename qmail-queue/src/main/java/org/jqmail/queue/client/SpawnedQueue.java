package org.jqmail.queue.client;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jqmail.common.Envelope;
import org.jqmail.common.QueueExit;

/**
 * One run of a qmail-queue program as a child process, as qmail's qmail.c does it: the message on its
 * fd 0, the envelope on its fd 1, and (notqmail) a pipe on fd 6 for a custom error text when it exits
 * 82; fd 2 is the caller's; other fds are closed; the working directory is the installation root. The
 * JDK's ProcessBuilder cannot be used: it gives the child's fd 1 as a pipe the child writes, and
 * qmail-queue reads its fd 1. So pipes, posix_spawn and waitpid are called through the JDK's Foreign
 * Function &amp; Memory API ({@link Posix}); a JVM using this class needs
 * {@code --enable-native-access=ALL-UNNAMED} (the installer's launchers pass it), or it prints a warning.
 * <p>
 * This is {@link QueueClient}'s slow path: a $QMAILQUEUE substitute always runs here, and the real
 * qmail-queue does when qmail-queued is not there to talk to ({@link SocketQueue}). Only this class
 * and those it uses touch the FFM API, so a program whose messages all go to qmail-queued never
 * initialises it.
 */
final class SpawnedQueue implements Submission {
    private final Arena arena;
    private final int pid;
    /** Exit status to report for a qmail-queue that never ran: 120 (exec failed) or 61 (no root). */
    private final int notStarted;
    private final PipeOutputStream message;
    private final PipeOutputStream envelope;
    private int errorFd;
    private boolean finished;

    private SpawnedQueue(Arena arena, int pid, int notStarted, int messageFd, int envelopeFd, int errorFd) {
        this.arena = arena;
        this.pid = pid;
        this.notStarted = notStarted;
        this.message = new PipeOutputStream(messageFd, arena);
        this.envelope = new PipeOutputStream(envelopeFd, arena);
        this.errorFd = errorFd;
    }

    /**
     * Starts {@code program} as qmail-queue, in the installation root. An IOException means no pipes
     * could be made (qmail_open() returning -1); a program that cannot be executed is not an exception
     * but a result, as in qmail: {@code Zunable to exec qq (#4.3.0)}.
     */
    static SpawnedQueue open(Path program, Path root) throws IOException {
        Arena arena = Arena.ofShared();
        int[] m = null, e = null, x = null;
        try {
            if (!Files.isDirectory(root)) {
                // qmail's child could not chdir there: exit 61
                return new SpawnedQueue(arena, 0, QueueExit.HOME_DIR, -1, -1, -1);
            }
            m = pipeAboveTargets(0, arena);
            e = pipeAboveTargets(0, arena);
            // non-blocking, so that reading it after exit 82 cannot wait for a grandchild holding it;
            // for the writer it only matters past 64 KiB, and the text is at most 255 bytes
            x = pipeAboveTargets(Posix.O_NONBLOCK, arena);
            int[] dup2 = {m[0], 0, e[0], 1, x[1], QueueClient.CUSTOM_ERROR_FD};
            int child = Posix.spawn(root.resolve(program).toString(), dup2, root.toString(), arena);
            Posix.close(m[0]);
            Posix.close(e[0]);
            Posix.close(x[1]);
            if (child <= 0) {
                Posix.close(m[1]);
                Posix.close(e[1]);
                Posix.close(x[0]);
                return new SpawnedQueue(arena, 0, QueueExit.EXEC_FAILED, -1, -1, -1);
            }
            return new SpawnedQueue(arena, child, 0, m[1], e[1], x[0]);
        } catch (IOException | RuntimeException | Error ex) {
            for (int[] p : new int[][] {m, e, x}) {
                if (p != null) {
                    Posix.close(p[0]);
                    Posix.close(p[1]);
                }
            }
            arena.close();
            throw ex;
        }
    }

    /**
     * A close-on-exec pipe whose ends are both numbered above every dup2 target (0, 1, 6), so that no
     * dup2 in the child overwrites the source of the next. Low numbers are free only when the caller
     * has closed some of fds 0..6; the pipes that land there are held until one lands higher.
     */
    private static int[] pipeAboveTargets(int flags, Arena arena) throws IOException {
        int[][] held = new int[4][];
        int n = 0;
        try {
            for (;;) {
                int[] p = Posix.pipe(flags, arena);
                if (p[0] > QueueClient.CUSTOM_ERROR_FD && p[1] > QueueClient.CUSTOM_ERROR_FD) return p;
                if (n == held.length) held = java.util.Arrays.copyOf(held, n * 2);
                held[n++] = p;
            }
        } finally {
            for (int i = 0; i < n; i++) {
                Posix.close(held[i][0]);
                Posix.close(held[i][1]);
            }
        }
    }

    /** qmail-queue's process id (qmail's "qp"); 0 if it could not be started. */
    @Override
    public long pid() {
        return pid;
    }

    /**
     * The message, to qmail-queue's fd 0. Write it as is (LF line ends; qmail-queue adds only its
     * Received line). Buffered. Write errors do not throw (see the class comment).
     */
    @Override
    public OutputStream message() {
        return message;
    }

    /**
     * Makes sure the message is not queued (qmail_fail): nothing more is written, and
     * {@link #close(Envelope)} sends no envelope, so qmail-queue sees an incomplete one and gives up.
     */
    @Override
    public void fail() {
        message.fail();
        envelope.fail();
    }

    /** Nothing to do now: qmail-queue reads fd 1 only after fd 0's end, so the envelope goes at close. */
    @Override
    public void envelopeFirst(Envelope env) {}

    /**
     * Ends the message, sends {@code env} on qmail-queue's fd 1, waits for it to exit and returns
     * what became of the message (qmail_close()).
     */
    @Override
    public QueueResult close(Envelope env) {
        if (finished) throw new IllegalStateException("this qmail-queue run is finished already");
        message.close();
        if (message.failed()) envelope.fail();
        try {
            record('F', env.sender());
            for (String r : env.recipients()) record('T', r);
            envelope.write(0);
        } catch (IOException e) {
            throw new IllegalStateException("envelope stream closed", e); // cannot happen: it is ours
        }
        return finish();
    }

    @Override
    public void abandon() {
        if (finished) return;
        fail();
        message.close();
        finish();
    }

    private void record(char type, String address) throws IOException {
        envelope.write(type);
        envelope.write(address.getBytes(StandardCharsets.ISO_8859_1));
        envelope.write(0);
    }

    private QueueResult finish() {
        finished = true; // whatever happens below, the native memory is gone afterwards
        try {
            envelope.close();
            return pid == 0 ? new QueueResult(0, notStarted, QueueExit.report(notStarted)) : waitForExit();
        } finally {
            Posix.close(errorFd);
            errorFd = -1;
            arena.close();
        }
    }

    private QueueResult waitForExit() {
        int status;
        try {
            status = Posix.waitpid(pid, arena);
        } catch (IOException e) {
            return new QueueResult(pid, QueueResult.CRASHED, "Zqq waitpid surprise (#4.3.0)");
        }
        if ((status & 0x7f) != 0) return new QueueResult(pid, QueueResult.CRASHED, QueueExit.crashed());
        int code = (status >> 8) & 0xff;
        if (code == QueueExit.OK && (message.failed() || envelope.failed())) {
            // qmail_close(): queued, but not what we meant to queue
            return new QueueResult(pid, code, QueueExit.report(QueueExit.READ_ERROR));
        }
        if (code == QueueExit.CUSTOM_ERROR) {
            String custom = customError();
            if (custom != null) return new QueueResult(pid, code, custom);
        }
        return new QueueResult(pid, code, QueueExit.report(code));
    }

    /**
     * The text qmail-queue left on fd 6: what is there now (it has exited, so a read that would wait
     * means nothing is coming, unless a child of it still holds the pipe: hence non-blocking), at most
     * 255 bytes, cut at the first CR, LF or NUL (it goes into an SMTP reply). Used only if it starts with
     * D or Z and is longer than 2 bytes, as notqmail's qmail_close() demands; else null.
     */
    private String customError() {
        MemorySegment buf = arena.allocate(QueueClient.CUSTOM_ERROR_MAX);
        long n = Posix.read(errorFd, buf, QueueClient.CUSTOM_ERROR_MAX);
        if (n <= 2) return null;
        return CustomError.text(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), (int) n);
    }
}
