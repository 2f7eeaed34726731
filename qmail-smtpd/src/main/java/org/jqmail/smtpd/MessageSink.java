package org.jqmail.smtpd;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The message on its way into qmail-queue, with databytes enforced as qmail does: bytes are counted as
 * stored (after dot-unstuffing and CR LF to LF, without the Received lines); when byte databytes+1
 * arrives the injection is failed ({@link Queue.Injection#fail()}), so nothing can be queued, and the
 * rest of the data is read and dropped. The client gets 552 at the end of data.
 */
final class MessageSink implements DataReader.Sink {
    private final Queue.Injection qq;
    private final OutputStream out;
    private final long databytes;
    private final byte[] buf = new byte[8192];
    private int n;
    private long count;
    private boolean overflowed;

    /** {@code databytes} 0 means no limit. */
    MessageSink(Queue.Injection qq, long databytes) {
        this.qq = qq;
        this.out = qq.message();
        this.databytes = databytes;
    }

    /** Writes bytes that are not part of the counted message (the Received line). */
    void header(byte[] bytes) throws IOException {
        flush();
        out.write(bytes);
    }

    @Override
    public void put(int b) throws IOException {
        if (overflowed) return;
        if (databytes > 0 && ++count > databytes) {
            overflowed = true;
            n = 0;
            qq.fail();
            return;
        }
        if (n == buf.length) flush();
        buf[n++] = (byte) b;
    }

    /** Passes on what is buffered. */
    void flush() throws IOException {
        if (n > 0 && !overflowed) out.write(buf, 0, n);
        n = 0;
    }

    boolean overflowed() {
        return overflowed;
    }
}
