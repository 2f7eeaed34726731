package org.jqmail.queue.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jqmail.common.Envelope;
import org.jqmail.common.QueueExit;

/**
 * One qmail-queue run through the qmail-queued daemon ({@link QueuedProtocol}): {@link QueueClient}'s
 * fast path, plain JDK socket I/O, no process and no FFM. {@link #connect} gives null when the daemon
 * is not there (no socket, nobody listening, no greeting within {@link #GREETING_MILLIS}, or it is
 * full and closes at once); nothing has been sent then, so the caller can run qmail-queue instead.
 * <p>
 * The results are qmail-queue's: the daemon's answer byte is the exit code qmail-queue would have
 * had, mapped to the report exactly as for a child. A connection that breaks before the answer is a
 * qmail-queue that crashed ({@code Zqq crashed}); an answer that does not come within
 * {@link #ANSWER_MILLIS} after the envelope is a timeout (52). Either way the daemon has not committed
 * the message, or (a break after its commit) has queued it: qmail's rule that a duplicate beats a loss.
 */
final class SocketQueue implements Submission {
    /** The daemon greets at once; if it does not, it is wedged or overloaded, and qmail-queue runs instead. */
    static final long GREETING_MILLIS = 10_000;
    /** After the envelope the daemon fsyncs the message; beyond this the disk is as good as gone. */
    static final long ANSWER_MILLIS = 3_600_000;

    private static final byte[] END = {'0', ':', ','};

    private final SocketChannel channel;
    private final Watchdog watchdog;
    private final long qp;
    private final Sink sink;
    private final Frames message;
    private boolean envelopeSent;
    private boolean finished;

    private SocketQueue(SocketChannel channel, Watchdog watchdog, long qp) {
        this.channel = channel;
        this.watchdog = watchdog;
        this.qp = qp;
        this.sink = new Sink(channel);
        this.message = new Frames(sink);
    }

    /** A run through the daemon at {@code socket}, or null if it cannot take one now. */
    static SocketQueue connect(Path socket) {
        SocketChannel ch = null;
        Watchdog dog = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            dog = new Watchdog(ch);
            dog.arm(GREETING_MILLIS);
            long qp = readGreeting(ch);
            dog.disarm();
            return new SocketQueue(ch, dog, qp);
        } catch (IOException | RuntimeException e) {
            // no such socket, ECONNREFUSED, EACCES, a bad or missing greeting: qmail-queue instead
            if (dog != null) dog.stop();
            if (ch != null) closeQuietly(ch);
            return null;
        }
    }

    /** The greeting netstring: digits only, no leading zero, a positive number. */
    static long readGreeting(SocketChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(QueuedProtocol.MAX_QP_DIGITS * 2 + 4);
        for (;;) {
            if (ch.read(b) < 0) throw new IOException("qmail-queued closed before its greeting");
            byte[] a = b.array();
            for (int i = 0; i < b.position(); i++) {
                if (a[i] == ',') return parseGreeting(a, i + 1);
            }
            if (!b.hasRemaining()) throw new IOException("qmail-queued greeting too long");
        }
    }

    /** {@code LEN:DIGITS,} in {@code a[0..n)}, the comma last; the number, or an IOException. */
    static long parseGreeting(byte[] a, int n) throws IOException {
        int colon = 0;
        while (colon < n && a[colon] != ':') colon++;
        long len = digits(a, 0, colon, 2);
        if (colon + 1 + len + 1 != n || len > QueuedProtocol.MAX_QP_DIGITS) throw new IOException("bad qmail-queued greeting");
        long qp = digits(a, colon + 1, n - 1, QueuedProtocol.MAX_QP_DIGITS);
        if (qp <= 0) throw new IOException("bad qmail-queued greeting");
        return qp;
    }

    private static long digits(byte[] a, int from, int to, int max) throws IOException {
        if (to <= from || to - from > max || (a[from] == '0' && to - from > 1)) throw new IOException("bad number in greeting");
        long v = 0;
        for (int i = from; i < to; i++) {
            if (a[i] < '0' || a[i] > '9') throw new IOException("bad number in greeting");
            v = v * 10 + (a[i] - '0');
        }
        return v;
    }

    @Override
    public long pid() {
        return qp;
    }

    @Override
    public OutputStream message() {
        return message;
    }

    @Override
    public void fail() {
        message.fail();
        sink.failed = true;
    }

    /**
     * Sends {@code env} at once, before any of the message (the protocol's envelope first): the daemon
     * writes intd/N and has it and the message's directory synced while the message is still coming.
     */
    @Override
    public void envelopeFirst(Envelope env) {
        if (envelopeSent || finished) throw new IllegalStateException("envelope first, and only once");
        envelopeSent = true;
        sink.writeAll(ByteBuffer.wrap(env.encode()));
    }

    @Override
    public QueueResult close(Envelope env) {
        if (finished) throw new IllegalStateException("this qmail-queue run is finished already");
        finished = true;
        try {
            // The message's last frame, the end mark and the envelope (unless it went first) go out in
            // one write: the daemon, waiting in read, is woken once for all of them instead of three times.
            if (envelopeSent) {
                message.closeWith(ByteBuffer.wrap(END));
            } else {
                message.closeWith(ByteBuffer.wrap(END), ByteBuffer.wrap(env.encode()));
            }
            boolean failed = sink.failed;
            try {
                channel.shutdownOutput();
            } catch (IOException ignored) {
                // the daemon has gone already: its answer, if any, is still there to read
            }
            return answer(failed);
        } finally {
            watchdog.stop();
            closeQuietly(channel);
        }
    }

    @Override
    public void abandon() {
        if (finished) return;
        finished = true;
        // no end mark: the daemon sees the connection end inside the message and queues nothing
        watchdog.stop();
        closeQuietly(channel);
    }

    /** The daemon's answer: one byte, and after 82 the text, up to the end of the connection. */
    private QueueResult answer(boolean failed) {
        byte[] text = new byte[QueuedProtocol.MAX_CUSTOM];
        int code;
        int n = 0;
        ByteBuffer one = ByteBuffer.allocate(1);
        watchdog.arm(ANSWER_MILLIS);
        try {
            while (one.hasRemaining()) {
                if (channel.read(one) < 0) return new QueueResult(qp, QueueResult.CRASHED, QueueExit.crashed());
            }
            code = one.get(0) & 0xff;
            if (code == QueueExit.CUSTOM_ERROR) {
                ByteBuffer t = ByteBuffer.wrap(text);
                while (t.hasRemaining() && channel.read(t) >= 0) {
                    // until the end of the connection or 255 bytes
                }
                n = t.position();
            }
        } catch (IOException e) {
            if (watchdog.fired()) return new QueueResult(qp, QueueExit.TIMEOUT, QueueExit.report(QueueExit.TIMEOUT));
            return new QueueResult(qp, QueueResult.CRASHED, QueueExit.crashed());
        } finally {
            watchdog.disarm();
        }
        if (code == QueueExit.OK && failed) {
            return new QueueResult(qp, code, QueueExit.report(QueueExit.READ_ERROR)); // as qmail_close()
        }
        if (code == QueueExit.CUSTOM_ERROR) {
            String custom = CustomError.text(text, n);
            if (custom != null) return new QueueResult(qp, code, custom);
        }
        return new QueueResult(qp, code, QueueExit.report(code));
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
    }

    /** Writes to the socket; after the first failure (the daemon has gone) drops everything, as qmail_put(). */
    private static final class Sink extends OutputStream {
        private final SocketChannel channel;
        boolean failed;

        Sink(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (failed) return;
            writeAll(ByteBuffer.wrap(b, off, len));
        }

        void writeAll(ByteBuffer... bufs) {
            if (failed) return;
            try {
                long left = 0;
                for (ByteBuffer b : bufs) left += b.remaining();
                while (left > 0) left -= channel.write(bufs);
            } catch (IOException e) {
                failed = true; // EPIPE: the daemon answered early or died; the answer tells
            }
        }
    }

    /**
     * The message stream: buffered, sent as netstrings of at most {@link QueuedProtocol#MAX_CHUNK}
     * bytes. Never throws for a write to the daemon (see Sink); writing after close is a programming
     * error and throws, as for a child.
     */
    private static final class Frames extends OutputStream {
        private final Sink sink;
        private final byte[] buf = new byte[QueuedProtocol.MAX_CHUNK];
        private final ByteBuffer comma = ByteBuffer.wrap(new byte[] {','});
        private int used;
        private boolean closed;

        Frames(Sink sink) {
            this.sink = sink;
        }

        @Override
        public void write(int b) throws IOException {
            ensureOpen();
            if (used == buf.length) drain();
            buf[used++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            ensureOpen();
            while (len > 0) {
                if (used == buf.length) drain();
                int n = Math.min(len, buf.length - used);
                System.arraycopy(b, off, buf, used, n);
                used += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            ensureOpen();
            drain();
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            drain();
        }

        /** {@link #close}, with {@code tail} (not framed) written together with the last frame, if any. */
        void closeWith(ByteBuffer... tail) {
            closed = true;
            drain(tail);
        }

        void fail() {
            used = 0;
        }

        /** The buffered bytes as one frame, then {@code tail}, in one write. */
        private void drain(ByteBuffer... tail) {
            if (used == 0 || sink.failed) {
                used = 0;
                sink.writeAll(tail); // nothing when the daemon has gone: Sink drops it
                return;
            }
            ByteBuffer[] all = new ByteBuffer[3 + tail.length];
            all[0] = ByteBuffer.wrap((used + ":").getBytes(StandardCharsets.US_ASCII));
            all[1] = ByteBuffer.wrap(buf, 0, used);
            comma.clear();
            all[2] = comma;
            System.arraycopy(tail, 0, all, 3, tail.length);
            sink.writeAll(all);
            used = 0;
        }

        private void ensureOpen() throws IOException {
            if (closed) throw new IOException("stream to qmail-queue is closed");
        }
    }
}
