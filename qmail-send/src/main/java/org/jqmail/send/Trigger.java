package org.jqmail.send;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The trigger FIFO {@code lock/trigger} (trigger.c): qmail-queue writes a byte into it after each
 * message, and qmail-send scans todo/ at once instead of at its next 25-minute scan.
 * <p>
 * qmail opens it O_RDONLY|O_NDELAY and reopens it after every pull. We open it O_RDWR once (Linux
 * lets a FIFO be opened so without waiting for a writer, and then a read never sees end of file), and
 * the todo thread itself waits in {@link #await}: each read, however many bytes it returns, is one pull,
 * and no other thread has to be woken to pass it on. Holding a reader open all the time is what
 * qmail-queue's trigger relies on: it opens the FIFO for writing only while qmail-send holds
 * lock/sendmutex, and that open completes only with a reader present.
 * <p>
 * qmail-send's own wake-ups (the periodic scan, stopping) are a byte it writes itself ({@link #poke}),
 * through a second channel: a FileChannel's read holds a lock that its write would wait for.
 */
final class Trigger implements AutoCloseable {
    private final FileChannel in;
    private final FileChannel out;
    private final ByteBuffer buf = ByteBuffer.allocate(1024);

    private Trigger(FileChannel in, FileChannel out) {
        this.in = in;
        this.out = out;
    }

    /** The FIFO held open, or null when {@code fifo} is not one (or cannot be opened). */
    static Trigger open(Path fifo) {
        if (!isFifo(fifo)) return null;
        FileChannel in = null;
        try {
            in = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
            return new Trigger(in, FileChannel.open(fifo, StandardOpenOption.WRITE));
        } catch (IOException e) {
            try {
                if (in != null) in.close();
            } catch (IOException ignored) {
                // closing a FIFO we could read: nothing to lose
            }
            return null;
        }
    }

    /** Blocks until the trigger is pulled (or poked); pulls made meanwhile count as one. One thread only. */
    void await() throws IOException {
        buf.clear();
        if (in.read(buf) < 0) throw new IOException("end of file on lock/trigger"); // we hold a writer
    }

    /** Pulls the trigger from inside qmail-send: the waiting thread returns from {@link #await}. */
    void poke() throws IOException {
        out.write(ByteBuffer.wrap(new byte[] {0}));
    }

    @Override
    public void close() throws IOException {
        try (in) {
            out.close();
        }
    }

    /** A FIFO, not a regular file that O_RDWR would happily read forever (or a missing name). */
    static boolean isFifo(Path p) {
        try {
            Object mode = Files.getAttribute(p, "unix:mode");
            return mode instanceof Integer m && (m & 0170000) == 0010000;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
