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
 * lets a FIFO be opened so without waiting for a writer, and then a read never sees end of file) and read
 * it on a thread of its own: each read, however many bytes it returns, is one pull. Holding a reader open
 * all the time is what qmail-queue's trigger relies on: it opens the FIFO for writing only while
 * qmail-send holds lock/sendmutex, and that open completes only with a reader present.
 */
final class Trigger implements Runnable {
    private final Path fifo;
    private final Runnable pull;
    private final Log log;

    Trigger(Path fifo, Runnable pull, Log log) {
        this.fifo = fifo;
        this.pull = pull;
        this.log = log;
    }

    void start() {
        Thread t = new Thread(this, "qmail-send trigger");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        if (!isFifo(fifo)) {
            log.warning("unable to open lock/trigger; todo/ will be scanned every 1500 seconds");
            return;
        }
        try (FileChannel ch = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocate(1024);
            for (;;) {
                buf.clear();
                if (ch.read(buf) < 0) return; // cannot happen while we hold the write side
                pull.run();
            }
        } catch (IOException e) {
            log.warning("trouble reading lock/trigger; todo/ will be scanned every 1500 seconds");
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
