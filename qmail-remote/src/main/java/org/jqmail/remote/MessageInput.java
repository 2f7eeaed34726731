package org.jqmail.remote;

import java.io.BufferedInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;

/**
 * The message (fd 0 of the program, or the channel an in-process delivery is given) as a stream that
 * {@link MessageScan} can rewind when it is a file (qmail-rspawn opens the queue file there): mark and
 * reset are positions of the file, so nothing is buffered in memory. A pipe
 * (qmail-remote run by hand) cannot seek: it is read through a buffer that does not offer mark.
 */
final class MessageInput extends InputStream {
    private final FileChannel channel;
    private long mark;

    private MessageInput(FileChannel channel) {
        this.channel = channel;
    }

    static InputStream stdin() {
        FileChannel ch = new FileInputStream(FileDescriptor.in).getChannel();
        if (seekable(ch)) return new MessageInput(ch);
        return unrewindable(new FileInputStream(FileDescriptor.in));
    }

    /**
     * {@code ch} from its current position: rewindable if it can seek (qmail-rspawn's in-process
     * deliveries hand the queue file here), else read once through a buffer, as {@link #stdin} reads
     * a pipe. The caller closes the channel.
     */
    static InputStream of(FileChannel ch) {
        if (seekable(ch)) return new MessageInput(ch);
        return unrewindable(Channels.newInputStream(ch));
    }

    private static boolean seekable(FileChannel ch) {
        try {
            ch.position(ch.position()); // a pipe fails here ("Illegal seek")
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static InputStream unrewindable(InputStream in) {
        return new FilterInputStream(new BufferedInputStream(in, Blast.BUFFER)) {
            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }

    @Override
    public int read() throws IOException {
        byte[] b = new byte[1];
        return read(b, 0, 1) <= 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        return channel.read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public boolean markSupported() {
        return true;
    }

    @Override
    public synchronized void mark(int readlimit) {
        try {
            mark = channel.position();
        } catch (IOException e) {
            mark = -1;
        }
    }

    @Override
    public synchronized void reset() throws IOException {
        if (mark < 0) throw new IOException("no mark");
        channel.position(mark);
    }
}
