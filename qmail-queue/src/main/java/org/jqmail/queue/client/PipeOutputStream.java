package org.jqmail.queue.client;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * The write end of a pipe to qmail-queue, buffered in native memory and written with write(2).
 * <p>
 * As qmail's qmail_put(): once a write fails (qmail-queue has exited and the pipe is broken, say), the
 * stream remembers it and quietly drops everything after it, so that a caller streaming a message as
 * it arrives (qmail-smtpd during DATA) keeps reading its own input to the end; the failure shows in
 * the result of {@link QueueClient#close(org.jqmail.common.Envelope)}. Writing after {@link #close()}
 * is a programming error and throws. Not thread-safe.
 */
final class PipeOutputStream extends OutputStream {
    static final int BUFFER_BYTES = 64 * 1024;

    private final MemorySegment buf;
    private int fd;
    private boolean closed;
    private int used;
    private boolean failed;

    /** A stream to {@code fd}; with fd -1 (no qmail-queue to write to) one that drops everything. */
    PipeOutputStream(int fd, Arena arena) {
        this.fd = fd;
        this.failed = fd < 0;
        this.buf = arena.allocate(BUFFER_BYTES);
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (used == BUFFER_BYTES) drain();
        buf.set(ValueLayout.JAVA_BYTE, used++, (byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        while (len > 0) {
            if (used == BUFFER_BYTES) drain();
            int n = Math.min(len, BUFFER_BYTES - used);
            MemorySegment.copy(b, off, buf, ValueLayout.JAVA_BYTE, used, n);
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

    /** Flushes and closes the fd, so the reader sees EOF. Closing twice does nothing. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        drain();
        Posix.close(fd);
        fd = -1;
    }

    /** Drops everything from now on (qmail_fail). */
    void fail() {
        failed = true;
        used = 0;
    }

    /** True once a write failed or {@link #fail()} was called. */
    boolean failed() {
        return failed;
    }

    private void drain() {
        long done = 0;
        while (!failed && done < used) {
            long r = Posix.write(fd, buf.asSlice(done), used - done);
            if (r < 0) failed = true; // EPIPE: qmail-queue has gone (the JVM ignores SIGPIPE)
            else done += r;
        }
        used = 0;
    }

    private void ensureOpen() throws IOException {
        if (closed) throw new IOException("stream to qmail-queue is closed");
    }
}
