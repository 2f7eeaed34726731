package org.jqmail.send;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

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
 * <p>
 * Held open, the FIFO is the one that had the name when qmail-send started: if lock/trigger is made
 * again meanwhile (an installer, a hand-made queue repaired), pulls go to the new one, which nobody
 * reads. {@link #replaced} tells, so that the caller can open the new one (qmail reopens only after a
 * pull, which then never comes, and is deaf until it restarts).
 */
final class Trigger implements AutoCloseable {
    private final Path fifo;
    private final Object identity;
    private final FileChannel in;
    private final FileChannel out;
    private final ByteBuffer buf = ByteBuffer.allocate(1024);

    private Trigger(Path fifo, Object identity, FileChannel in, FileChannel out) {
        this.fifo = fifo;
        this.identity = identity;
        this.in = in;
        this.out = out;
    }

    /** The FIFO held open, or null when {@code fifo} is not one (or cannot be opened). */
    static Trigger open(Path fifo) {
        Object identity = fifoIdentity(fifo);
        if (identity == null) return null;
        FileChannel in = null;
        try {
            in = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
            // a FIFO made again between the look and the open is seen as replaced at the next look: reopened
            return new Trigger(fifo, identity, in, FileChannel.open(fifo, StandardOpenOption.WRITE));
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

    /**
     * True when the name now is a FIFO other than the one held open. A name that is gone, or is not a
     * FIFO, is not a replacement: nothing better could be opened.
     */
    boolean replaced() {
        Object now = fifoIdentity(fifo);
        return now != null && !now.equals(identity);
    }

    /**
     * The FIFO's device and inode, or null when {@code p} is not a FIFO (a regular file, which O_RDWR
     * would happily read forever) or is missing.
     */
    private static Object fifoIdentity(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,dev,ino");
            if (!(a.get("mode") instanceof Integer m) || (m & 0170000) != 0010000) return null;
            return List.of(a.get("dev"), a.get("ino"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }
}
