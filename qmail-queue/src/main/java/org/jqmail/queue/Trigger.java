package org.jqmail.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * qmail-send's trigger (triggerpull.c): once the message is committed, one byte into the FIFO
 * {@code queue/lock/trigger}, so that a waiting qmail-send scans todo/ now instead of at its next
 * 25-minute rescan. The message is committed already when the byte is written, so every error is
 * ignored.
 * <p>
 * qmail opens the FIFO with O_WRONLY|O_NDELAY, which fails at once when qmail-send is not reading. The
 * JDK cannot open with O_NONBLOCK, and a plain O_WRONLY open of a FIFO waits until a reader appears;
 * worse, a thread left waiting in open() delays the JVM's exit by 300 ms (HotSpot waits that long for
 * threads "in native"). So:
 * <ol>
 * <li>O_RDWR, which never waits on Linux but needs read permission, which only root has (the FIFO is
 *     qmails 0622);
 * <li>else O_WRONLY, but only if qmail-send is running, which shows as its lock on
 *     {@code lock/sendmutex} in the world-readable /proc/locks (qmailq may not open sendmutex, but may
 *     stat it). qmail-send keeps the FIFO open for reading all the time it runs (it closes and reopens
 *     it between scans), so the open completes at once. With no qmail-send there is nobody to wake: it
 *     scans todo/ when it starts.
 * </ol>
 * The opening happens on a daemon thread started with qmail-queue, while the message is written;
 * {@link #pull()} lets it write the byte and waits for that at most {@link #GRACE_MILLIS}. (If
 * qmail-queue fails instead, its writer is closed unused; a reader may then see end of file and scan
 * todo/ for nothing, as after qmail's own close.)
 */
final class Trigger implements Runnable {
    static final long GRACE_MILLIS = 250;

    private final Path fifo;
    private final Path sendmutex;
    private final Thread thread;
    private boolean pulled; // guarded by this

    private Trigger(Path fifo, Path sendmutex) {
        this.fifo = fifo;
        this.sendmutex = sendmutex;
        this.thread = new Thread(this, "qmail-queue trigger");
        thread.setDaemon(true);
    }

    /** Starts opening {@code fifo} in the background. */
    static Trigger prepare(Path fifo, Path sendmutex) {
        Trigger t = new Trigger(fifo, sendmutex);
        t.thread.start();
        return t;
    }

    /** Writes the byte, waiting at most {@link #GRACE_MILLIS} for the FIFO to be open. */
    void pull() {
        synchronized (this) {
            pulled = true;
            notifyAll();
        }
        try {
            thread.join(GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        FileChannel ch = open();
        if (ch == null) return;
        try (FileChannel c = ch) {
            synchronized (this) {
                while (!pulled) wait();
            }
            c.write(ByteBuffer.wrap(new byte[1]));
        } catch (IOException | InterruptedException | RuntimeException e) {
            // committed already; qmail-send finds the message on its next scan
        }
    }

    private FileChannel open() {
        try {
            return FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (AccessDeniedException e) {
            if (!locked(sendmutex, Path.of("/proc/locks"))) return null;
            try {
                return FileChannel.open(fifo, StandardOpenOption.WRITE);
            } catch (IOException | RuntimeException e2) {
                return null;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * True if {@code locks} (the format of /proc/locks) lists a lock on the inode of {@code file}, or
     * if that cannot be told (then the open is tried, and the worst case is a slower exit). A line is
     * {@code ID: [-> ]TYPE ADVISORY MODE PID MAJ:MIN:INODE START END}; only the inode is compared.
     */
    static boolean locked(Path file, Path locks) {
        long ino;
        String text;
        try {
            ino = (Long) Files.getAttribute(file, "unix:ino");
        } catch (IOException | RuntimeException e) {
            return false; // no sendmutex: no qmail-send
        }
        try {
            text = new String(Files.readAllBytes(locks), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return true;
        }
        String inode = ":" + ino;
        int from = 0;
        while (from < text.length()) {
            int end = text.indexOf('\n', from);
            if (end < 0) end = text.length();
            for (String field : text.substring(from, end).split(" ")) {
                // MAJ:MIN:INODE is the only field with two colons
                int last = field.lastIndexOf(':');
                if (last > 0 && field.indexOf(':') < last && field.endsWith(inode) && field.length() - last == inode.length()) {
                    return true;
                }
            }
            from = end + 1;
        }
        return false;
    }
}
