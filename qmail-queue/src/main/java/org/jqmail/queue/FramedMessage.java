package org.jqmail.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import org.jqmail.queue.client.QueuedProtocol;

/**
 * The message as a qmail-queued client sends it ({@link QueuedProtocol}): netstrings of 1 to
 * {@link QueuedProtocol#MAX_CHUNK} bytes, ended by {@code 0:,}, read as the plain byte stream
 * {@link Injection} copies into mess/N; end of stream is the end mark, and only it. Anything else is a
 * read error (an IOException, so exit 54 and nothing queued): the connection ending inside or between
 * frames (the client died, or gave the message up), a length that is not decimal, has a leading zero,
 * or is too big (checked digit by digit, so a hostile length costs nothing), a frame not closed by a
 * comma. The envelope follows in the same stream; nothing after the end mark is read here.
 */
final class FramedMessage implements ReadableByteChannel {
    /** A frame's length has at most this many digits: MAX_CHUNK is 65536. */
    private static final int MAX_DIGITS = Integer.toString(QueuedProtocol.MAX_CHUNK).length();

    private final InputStream in;
    private final byte[] copy = new byte[8192];
    private int left; // bytes of the current frame not read yet
    private boolean inFrame;
    private boolean ended;
    private boolean open = true;

    /** {@code in} should be buffered; lengths are read byte by byte. */
    FramedMessage(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (ended) return -1;
        if (!inFrame) {
            left = length();
            if (left == 0) {
                comma();
                ended = true;
                return -1;
            }
            inFrame = true;
        }
        int want = Math.min(Math.min(left, dst.remaining()), copy.length);
        if (want == 0) return 0;
        int r = in.read(copy, 0, want);
        if (r < 0) throw new IOException("message ends inside a frame");
        dst.put(copy, 0, r);
        left -= r;
        if (left == 0) {
            comma();
            inFrame = false;
        }
        return r;
    }

    /** True once the end mark has been read: the whole message is there. */
    boolean ended() {
        return ended;
    }

    private int length() throws IOException {
        int len = 0;
        int digits = 0;
        for (;;) {
            int c = in.read();
            if (c < 0) throw new IOException(digits == 0 ? "message ends without its end mark" : "message ends inside a frame length");
            if (c == ':') break;
            if (c < '0' || c > '9') throw new IOException("frame length is not a number");
            if (digits == 1 && len == 0) throw new IOException("frame length has a leading zero");
            if (++digits > MAX_DIGITS) throw new IOException("frame too long");
            len = len * 10 + (c - '0');
        }
        if (digits == 0) throw new IOException("frame without a length");
        if (len > QueuedProtocol.MAX_CHUNK) throw new IOException("frame of " + len + " bytes");
        return len;
    }

    private void comma() throws IOException {
        int c = in.read();
        if (c != ',') throw new IOException(c < 0 ? "message ends inside a frame" : "frame not closed by a comma");
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
