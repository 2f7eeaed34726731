package org.jqmail.queue.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jqmail.common.Envelope;
import org.jqmail.common.QmailRoot;
import org.jqmail.common.QueueExit;

/**
 * Runs qmail-queue for a program that injects mail (qmail-smtpd, qmail-inject, qmail-local's forwards,
 * qmail-send's bounces), as qmail's qmail.c does: the program is {@code $QMAILQUEUE} if set (relative
 * names are taken from the installation root, where qmail's child chdirs), else
 * {@code ROOT/bin/qmail-queue}; it gets the message on fd 0, the envelope on fd 1, and (notqmail) a pipe
 * on fd 6 for a custom error text when it exits 82; fd 2 is the caller's; other fds are closed.
 * <pre>{@code
 * try (QueueClient qq = QueueClient.open()) {
 *     OutputStream out = qq.message();      // stream the message as it arrives
 *     ...
 *     QueueResult r = qq.close(envelope);  // sends the envelope, waits for qmail-queue
 *     if (!r.queued()) ... r.permanent() ? 554 : 451, r.text() ...
 * }
 * }</pre>
 * The message stream behaves as qmail_put(): when qmail-queue goes away early, writes are dropped
 * silently and the result tells what happened ({@link #fail()} does the same on purpose, e.g. for a
 * message that is too big). The JDK's ProcessBuilder cannot be used: it gives the child's fd 1 as a
 * pipe the child writes, and qmail-queue reads its fd 1. So pipes, posix_spawn and waitpid are called
 * through the JDK's Foreign Function &amp; Memory API ({@link Posix}); a JVM using this class needs
 * {@code --enable-native-access=ALL-UNNAMED} (the installer's launchers pass it), or it prints a warning.
 * <p>
 * One instance is one qmail-queue run, used from one thread at a time; always close it (a
 * try-with-resources block), or the child is never reaped.
 */
public final class QueueClient implements AutoCloseable {
    /** The environment variable naming a qmail-queue substitute (netqmail 1.05, notqmail). */
    public static final String QMAILQUEUE = "QMAILQUEUE";
    /** notqmail's fd for a custom error text, read when qmail-queue exits 82. */
    static final int CUSTOM_ERROR_FD = 6;
    /** A custom error text is at most this long (qmail-queue(8)). */
    static final int CUSTOM_ERROR_MAX = 255;

    private final Arena arena;
    private final int pid;
    /** Exit status to report for a qmail-queue that never ran: 120 (exec failed) or 61 (no root). */
    private final int notStarted;
    private final PipeOutputStream message;
    private final PipeOutputStream envelope;
    private int errorFd;
    private boolean finished;

    private QueueClient(Arena arena, int pid, int notStarted, int messageFd, int envelopeFd, int errorFd) {
        this.arena = arena;
        this.pid = pid;
        this.notStarted = notStarted;
        this.message = new PipeOutputStream(messageFd, arena);
        this.envelope = new PipeOutputStream(envelopeFd, arena);
        this.errorFd = errorFd;
    }

    /** The program to run: {@code $QMAILQUEUE}, or ROOT/bin/qmail-queue. */
    public static Path program() {
        return program(System.getenv(QMAILQUEUE), QmailRoot.get());
    }

    /** {@code qmailqueue} (a value of QMAILQUEUE, or null) resolved as qmail does, in {@code root}. */
    static Path program(String qmailqueue, Path root) {
        if (qmailqueue == null || qmailqueue.isEmpty()) return root.resolve("bin").resolve("qmail-queue");
        return root.resolve(qmailqueue);
    }

    /** Starts {@link #program()}. */
    public static QueueClient open() throws IOException {
        return open(program());
    }

    /**
     * Starts {@code program} as qmail-queue, in the installation root. An IOException means no pipes
     * could be made (qmail_open() returning -1); a program that cannot be executed is not an exception
     * but a result, as in qmail: {@code Zunable to exec qq (#4.3.0)}.
     */
    public static QueueClient open(Path program) throws IOException {
        Path root = QmailRoot.get();
        Arena arena = Arena.ofShared();
        int[] m = null, e = null, x = null;
        try {
            if (!Files.isDirectory(root)) {
                // qmail's child could not chdir there: exit 61
                return new QueueClient(arena, 0, QueueExit.HOME_DIR, -1, -1, -1);
            }
            m = pipeAboveTargets(0, arena);
            e = pipeAboveTargets(0, arena);
            // non-blocking, so that reading it after exit 82 cannot wait for a grandchild holding it;
            // for the writer it only matters past 64 KiB, and the text is at most 255 bytes
            x = pipeAboveTargets(Posix.O_NONBLOCK, arena);
            int[] dup2 = {m[0], 0, e[0], 1, x[1], CUSTOM_ERROR_FD};
            int child = Posix.spawn(root.resolve(program).toString(), dup2, root.toString(), arena);
            Posix.close(m[0]);
            Posix.close(e[0]);
            Posix.close(x[1]);
            if (child <= 0) {
                Posix.close(m[1]);
                Posix.close(e[1]);
                Posix.close(x[0]);
                return new QueueClient(arena, 0, QueueExit.EXEC_FAILED, -1, -1, -1);
            }
            return new QueueClient(arena, child, 0, m[1], e[1], x[0]);
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
                if (p[0] > CUSTOM_ERROR_FD && p[1] > CUSTOM_ERROR_FD) return p;
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
    public long pid() {
        return pid;
    }

    /**
     * The message, to qmail-queue's fd 0. Write it as is (LF line ends; qmail-queue adds only its
     * Received line). Buffered. Write errors do not throw (see the class comment).
     */
    public OutputStream message() {
        return message;
    }

    /**
     * Makes sure the message is not queued (qmail_fail): nothing more is written, and
     * {@link #close(Envelope)} sends no envelope, so qmail-queue sees an incomplete one and gives up.
     */
    public void fail() {
        message.fail();
        envelope.fail();
    }

    /**
     * Ends the message, sends {@code env} on qmail-queue's fd 1, waits for it to exit and returns
     * what became of the message (qmail_close()).
     */
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

    /** Abandons the run if {@link #close(Envelope)} was not called: nothing is queued. */
    @Override
    public void close() {
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
        MemorySegment buf = arena.allocate(CUSTOM_ERROR_MAX);
        long n = Posix.read(errorFd, buf, CUSTOM_ERROR_MAX);
        if (n <= 2) return null;
        byte[] bytes = buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        int len = 0;
        while (len < bytes.length && bytes[len] != '\r' && bytes[len] != '\n' && bytes[len] != 0) len++;
        if (len <= 2 || (bytes[0] != 'D' && bytes[0] != 'Z')) return null;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
    }

    /** Queues {@code message} (the whole message, as bytes) with {@code env} through {@link #program()}. */
    public static QueueResult submit(byte[] message, Envelope env) throws IOException {
        try (QueueClient qq = open()) {
            qq.message().write(message);
            return qq.close(env);
        }
    }

    /**
     * Queues the message read from {@code message} to its end. An IOException from reading it abandons
     * the run (nothing is queued) and is thrown.
     */
    public static QueueResult submit(InputStream message, Envelope env) throws IOException {
        return submit(new byte[0], message, env);
    }

    /**
     * Queues {@code header} followed by {@code body} read to its end: qmail-local's forward, for
     * example, is its Delivered-To line and then the message. An IOException from reading {@code body}
     * abandons the run (nothing is queued) and is thrown.
     */
    public static QueueResult submit(byte[] header, InputStream body, Envelope env) throws IOException {
        try (QueueClient qq = open()) {
            OutputStream out = qq.message();
            out.write(header);
            body.transferTo(out); // our stream never throws for a write, so an IOException is a read error
            return qq.close(env);
        }
    }
}
