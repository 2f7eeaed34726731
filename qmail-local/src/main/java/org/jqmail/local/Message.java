package org.jqmail.local;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The message being delivered: qmail-local's fd 0, which must be a seekable file because every
 * delivery instruction reads it again from the start (qmail-local(8)). It is read in blocks, never
 * whole, so a message of any size costs a fixed amount of memory.
 * <p>
 * A program delivery gets the message as its own fd 0. For qmail-local's real fd 0 that is the very
 * same descriptor, rewound to offset 0 first (qmail-command(8): "qmail-local uses the same file
 * descriptor for every delivery"). For a message opened from a file (tests) the child gets its own
 * descriptor of that file.
 */
final class Message implements AutoCloseable {
    static final int BLOCK = 64 * 1024;

    private final FileChannel channel;
    private final Path file; // null for fd 0

    private Message(FileChannel channel, Path file) {
        this.channel = channel;
        this.file = file;
    }

    /** fd 0. Not closed by {@link #close}: the JVM owns it. */
    static Message standardInput() {
        @SuppressWarnings("resource")
        FileChannel ch = new FileInputStream(FileDescriptor.in).getChannel();
        return new Message(ch, null);
    }

    static Message open(Path file) throws IOException {
        return new Message(FileChannel.open(file, StandardOpenOption.READ), file);
    }

    /** Seek to the start, as before every delivery. */
    void rewind() throws Failure {
        try {
            channel.position(0);
        } catch (IOException e) {
            throw Failure.temporary("Unable to rewind message. (#4.3.0)");
        }
    }

    /** Reads the next block at the current position: bytes read, -1 at the end; errors are Failures. */
    int read(ByteBuffer buf) throws Failure {
        try {
            return channel.read(buf);
        } catch (IOException e) {
            throw readError(e);
        }
    }

    /**
     * The message from its start as a stream, for a forward that copies it into qmail-queue. The stream
     * shares the channel: it is not to be closed, and the next {@link #rewind} resets it.
     */
    java.io.InputStream stream() throws Failure {
        rewind();
        return java.nio.channels.Channels.newInputStream(new NonClosing(channel));
    }

    /** A channel view whose close does nothing: fd 0 belongs to the JVM and is used again. */
    private record NonClosing(FileChannel channel) implements java.nio.channels.ReadableByteChannel {
        @Override
        public int read(ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() {}
    }

    static Failure readError(IOException e) {
        return Failure.temporary("Unable to read message: " + ErrorText.of(e) + ". (#4.3.0)");
    }

    /**
     * What a program's fd 0 should be, after {@link #rewind}. Made only when a program runs: merely
     * initialising ProcessBuilder.Redirect costs milliseconds at start-up.
     */
    Redirect childInput() {
        return file == null ? Redirect.INHERIT : Redirect.from(file.toFile());
    }

    /**
     * qmail's bouncexf: true if the header (the lines before the first empty line) contains a line
     * that is byte for byte {@code line} (which ends in '\n'). Only "\n" ends the header, as in qmail;
     * a header without an end is scanned to the end of the message. Memory stays constant whatever the
     * line lengths, because each line is compared as it streams past.
     */
    boolean headerHasLine(byte[] line) throws Failure {
        rewind();
        ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        long len = 0; // bytes of the current line seen so far, without its '\n'
        boolean same = true; // the current line agrees with `line` so far
        for (;;) {
            buf.clear();
            int n = read(buf);
            if (n < 0) return false;
            byte[] a = buf.array();
            for (int i = 0; i < n; i++) {
                byte b = a[i];
                if (b == '\n') {
                    if (len == 0) return false; // the empty line: end of header
                    if (same && len + 1 == line.length) return true;
                    len = 0;
                    same = true;
                } else {
                    if (same && (len >= line.length || line[(int) len] != b)) same = false;
                    len++;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (file != null) channel.close();
    }
}
