package org.jqmail.queue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jqmail.common.QueueExit;
import org.jqmail.common.QueueLayout;
import org.jqmail.common.TimeoutTimer;

/**
 * One connection to qmail-queued: one qmail-queue run. It greets with the injection's number (qp),
 * reads the framed message ({@link FramedMessage}) and the envelope, and queues them with
 * {@link Injection} exactly as qmail-queue's {@link Main} does, with the same checks and exit codes
 * ({@link Main#exitCode}); then it answers with the exit code and closes.
 * <p>
 * Differences from qmail-queue, all about where the facts come from: the invoker is the peer's uid as
 * the kernel recorded it at connect (SO_PEERCRED), not the shim's variable; qp (Received line,
 * {@code p} record, the pid file's name) is the injection's number, not a process id; and instead of
 * qmail-queue's alarm (control/timeoutqueue, 52), the connection's input is shut when the time is up,
 * so the injection fails with nothing queued and the client is still told 52. A connection that ends
 * before the message's end mark or the envelope's final NUL queues nothing (54).
 */
final class QueuedInjection {
    private final SocketChannel channel;
    private final Path root;
    private final long daemonPid;
    private final long qp;
    private final Daemon daemon;
    private final String peer;
    private volatile boolean timedOut;

    /**
     * What every injection of one daemon shares: its alarm clock, its passwd answers, its trigger, and
     * its maker of queue files (null: qmail-queue's pid/ file).
     */
    record Daemon(TimeoutTimer timer, PeerInvokers invokers, TriggerPuller trigger, TmpfileInodes inodes, Executor syncs) {}

    /** @param peer the peer's user name by SO_PEERCRED, or null if it could not be had (then 81) */
    QueuedInjection(SocketChannel channel, Path root, long daemonPid, long qp, Daemon daemon, String peer) {
        this.peer = peer;
        this.channel = channel;
        this.root = root;
        this.daemonPid = daemonPid;
        this.qp = qp;
        this.daemon = daemon;
    }

    /** The peer's user name, as given at construction. */
    String peer() {
        return peer;
    }

    long qp() {
        return qp;
    }

    /** The whole connection; never throws. */
    void run() {
        TimeoutTimer.Timeout alarm = null;
        try {
            long start = System.currentTimeMillis() / 1000;
            if (!greet()) return;
            int code;
            try {
                long timeout = Main.timeout(root);
                if (timeout > 0) alarm = daemon.timer().arm(timeout, TimeUnit.SECONDS, this::expire);
                inject(start);
                code = QueueExit.OK;
            } catch (Throwable t) {
                code = timedOut ? QueueExit.TIMEOUT : Main.exitCode(t, "qmail-queued");
            }
            answer(code);
            // After the answer, not before: the client need not wait for qmail-send to be told.
            if (code == QueueExit.OK) daemon.trigger().pull();
        } finally {
            if (alarm != null) alarm.cancel();
            closeQuietly(channel);
        }
    }

    private void inject(long start) throws QueueFailure, org.jqmail.common.EnvelopeReader.EnvelopeException, IOException {
        if (!Files.isDirectory(root)) throw new QueueFailure(QueueExit.HOME_DIR, "no directory " + root);
        QueueLayout queue = new QueueLayout(root.resolve("queue"));
        if (!Files.isDirectory(queue.queue())) throw new QueueFailure(QueueExit.QUEUE_DIR, "no directory " + queue.queue());
        // Who connected, by the kernel's word (SO_PEERCRED), not the client's.
        if (peer == null) throw new IOException("no peer credentials");
        Invoker invoker = daemon.invokers().of(peer);
        InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024);
        FramedMessage message = new FramedMessage(in);
        Injection injection = new Injection(queue, daemonPid + "." + qp, qp, start, invoker, daemon.inodes());
        if (envelopeFirst(in)) {
            injection.injectEnvelopeFirst(in, message, daemon.syncs());
        } else {
            injection.inject(message, in);
        }
    }

    /**
     * Whether the client sends the envelope before the message (QueuedProtocol): an envelope begins
     * with F, a message frame with a digit. Waits for the first byte; nothing is consumed.
     */
    static boolean envelopeFirst(InputStream in) throws IOException {
        in.mark(1);
        int first = in.read();
        in.reset();
        return first == 'F';
    }

    /** The greeting: qp as a netstring. False if the client has gone already. */
    private boolean greet() {
        byte[] digits = Long.toString(qp).getBytes(StandardCharsets.US_ASCII);
        byte[] head = (digits.length + ":").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(head.length + digits.length + 1).put(head).put(digits).put((byte) ',').flip();
        try {
            while (b.hasRemaining()) channel.write(b);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void answer(int code) {
        try {
            channel.write(ByteBuffer.wrap(new byte[] {(byte) code}));
        } catch (IOException e) {
            // the client has gone; what it left is cleaned up, or committed before it went
        }
    }

    /** qmail-queue's alarm: no more input, so the injection fails where it stands. */
    private void expire() {
        timedOut = true;
        try {
            channel.shutdownInput();
        } catch (IOException e) {
            closeQuietly(channel);
        }
    }

    static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
    }
}
