package org.jqmail.queue.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jqmail.common.Envelope;
import org.jqmail.common.QmailRoot;

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
 * A caller that knows the envelope before the message (qmail-smtpd at DATA, a bounce, a forward) opens
 * with it, {@link #open(Path, Envelope)}, and ends with {@link #finish()}: qmail-queued then gets the
 * envelope first and has intd/N written and synced while the message is still on its way
 * (docs/qmail-queue.md); a qmail-queue child gets it after the message, as always.
 * The message stream behaves as qmail_put(): when qmail-queue goes away early, writes are dropped
 * silently and the result tells what happened ({@link #fail()} does the same on purpose, e.g. for a
 * message that is too big).
 * <p>
 * The fast path: when the program is the real one, ROOT/bin/qmail-queue, and the qmail-queued daemon
 * accepts a connection on {@link QueuedProtocol#socket}, the message goes to the daemon instead
 * ({@link SocketQueue}): the same injection, the same results, without a JVM start per message and
 * without the FFM set-up of a child process. Otherwise (a {@code $QMAILQUEUE} substitute, or no
 * daemon) qmail-queue runs as a child ({@link SpawnedQueue}); a JVM using that needs
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

    private final Submission run;
    private final Envelope envelope; // given at open, or null: close(Envelope) brings it
    private boolean finished;

    private QueueClient(Submission run, Envelope envelope) {
        this.run = run;
        this.envelope = envelope;
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
     * Starts {@code program} as qmail-queue, in the installation root; or, if it is ROOT/bin/qmail-queue
     * and qmail-queued takes the message, talks to qmail-queued. An IOException means no pipes could be
     * made (qmail_open() returning -1); a program that cannot be executed is not an exception but a
     * result, as in qmail: {@code Zunable to exec qq (#4.3.0)}.
     */
    public static QueueClient open(Path program) throws IOException {
        return new QueueClient(start(program), null);
    }

    /**
     * As {@link #open(Path)}, with the envelope the message is to be queued with, known before the
     * message; end the run with {@link #finish()}.
     */
    public static QueueClient open(Path program, Envelope envelope) throws IOException {
        Submission run = start(program);
        run.envelopeFirst(envelope);
        return new QueueClient(run, envelope);
    }

    private static Submission start(Path program) throws IOException {
        Path root = QmailRoot.get();
        if (isRealQueue(program, root)) {
            SocketQueue s = SocketQueue.connect(QueuedProtocol.socket(root));
            if (s != null) return s;
        }
        return SpawnedQueue.open(program, root);
    }

    /**
     * True if {@code program} is the installation's own qmail-queue, whose work qmail-queued does as
     * well: the daemon is never a stand-in for a substitute ($QMAILQUEUE naming a filter).
     */
    static boolean isRealQueue(Path program, Path root) {
        Path real = root.resolve("bin").resolve("qmail-queue");
        if (root.resolve(program).normalize().equals(real.normalize())) return true;
        try {
            return Files.isSameFile(root.resolve(program), real);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /**
     * qmail's "qp": qmail-queue's process id, or, through qmail-queued, the number the daemon gave this
     * injection (docs/qmail-queue.md); either way the number in the Received line and in qmail-send's
     * "info msg" log line. 0 if qmail-queue could not be started.
     */
    public long pid() {
        return run.pid();
    }

    /**
     * The message, to qmail-queue's fd 0. Write it as is (LF line ends; qmail-queue adds only its
     * Received line). Buffered. Write errors do not throw (see the class comment).
     */
    public OutputStream message() {
        return run.message();
    }

    /**
     * Makes sure the message is not queued (qmail_fail): nothing more is written, and
     * {@link #close(Envelope)} or {@link #finish()} completes nothing (a qmail-queue child gets no
     * envelope, qmail-queued no end mark), so qmail-queue sees an incomplete message and gives up.
     */
    public void fail() {
        run.fail();
    }

    /**
     * Ends the message, sends {@code env} on qmail-queue's fd 1, waits for it to exit and returns
     * what became of the message (qmail_close()).
     */
    public QueueResult close(Envelope env) {
        if (envelope != null) throw new IllegalStateException("this run has its envelope: finish() it");
        if (finished) throw new IllegalStateException("this qmail-queue run is finished already");
        finished = true;
        return run.close(env);
    }

    /**
     * Ends the message of a run opened with its envelope ({@link #open(Path, Envelope)}), waits for
     * qmail-queue and returns what became of the message.
     */
    public QueueResult finish() {
        if (envelope == null) throw new IllegalStateException("this run has no envelope: close(envelope) it");
        if (finished) throw new IllegalStateException("this qmail-queue run is finished already");
        finished = true;
        return run.close(envelope);
    }

    /** Abandons the run if neither {@link #close(Envelope)} nor {@link #finish()} was called: nothing is queued. */
    @Override
    public void close() {
        if (finished) return;
        finished = true;
        run.abandon();
    }

    /** Queues {@code message} (the whole message, as bytes) with {@code env} through {@link #program()}. */
    public static QueueResult submit(byte[] message, Envelope env) throws IOException {
        try (QueueClient qq = open(program(), env)) {
            qq.message().write(message);
            return qq.finish();
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
        try (QueueClient qq = open(program(), env)) {
            OutputStream out = qq.message();
            out.write(header);
            body.transferTo(out); // our stream never throws for a write, so an IOException is a read error
            return qq.finish();
        }
    }
}
