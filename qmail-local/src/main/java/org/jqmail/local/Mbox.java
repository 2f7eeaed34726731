package org.jqmail.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Appending to an mbox file (mbox(5), qmail-local.c's mailfile): open for appending (created 0600 if
 * missing), take an exclusive lock, remember the end, write the From line, Return-Path, Delivered-To
 * and the message in mboxrd form ({@link FromQuoting}), then one empty line, and fsync.
 * <p>
 * The lock is a POSIX record lock (fcntl F_SETLK, what the JDK's FileChannel.lock uses), taken by
 * polling until {@code lockWaitMillis} have passed; qmail takes flock() with a 30-second alarm, and on
 * Linux the two kinds do not see each other, so mail readers that lock mboxes with flock only are not
 * excluded (most, like mutt and procmail, take fcntl locks). If the file system cannot lock at all,
 * qmail delivers anyway; so do we. If the lock is held for the whole wait: temporary failure.
 * <p>
 * If anything fails after the lock was taken, the file is truncated back to its old size, so a
 * failed delivery leaves no partial message behind; without a lock another writer may have appended
 * after us, so qmail (and we) leave the file alone then.
 */
final class Mbox {
    private static final long POLL_MILLIS = 50;
    /**
     * One mbox delivery at a time in this process. A POSIX record lock belongs to the process, not to
     * the descriptor, and closing any descriptor of a file drops every lock the process holds on it: in
     * a worker (qmail-local --worker), a second delivery that merely opened and closed the same mbox
     * (or another name of it) would silently unlock the first one's file while it is being written. The
     * command line makes one delivery per process, where this costs nothing.
     */
    private static final Object PROCESS_LOCK = new Object();

    private Mbox() {}

    static void deliver(Path home, String fn, Message message, AddedLines lines, long lockWaitMillis)
            throws Failure {
        synchronized (PROCESS_LOCK) {
            deliverLocked(home, fn, message, lines, lockWaitMillis);
        }
    }

    private static void deliverLocked(Path home, String fn, Message message, AddedLines lines, long lockWaitMillis)
            throws Failure {
        message.rewind();
        FileChannel ch;
        try {
            ch = FileChannel.open(home.resolve(fn),
                Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND, StandardOpenOption.CREATE), OwnerOnly.MODE);
        } catch (IOException e) {
            throw Failure.temporary("Unable to open " + ErrorText.name(fn) + ": " + ErrorText.of(e) + ". (#4.2.1)");
        } catch (InvalidPathException e) {
            throw Failure.temporary("Unable to open " + ErrorText.name(fn) + ": file name not representable. (#4.2.1)");
        }
        try (ch) {
            FileLock lock = lock(ch, lockWaitMillis);
            long pos;
            try {
                pos = ch.size();
            } catch (IOException e) {
                throw writeError(fn, e);
            }
            try {
                append(ch, fn, message, lines);
            } catch (Failure e) {
                if (lock != null) truncate(ch, pos);
                throw e;
            }
        } catch (IOException e) {
            // close after a forced write: nothing to undo, the data is on disk
        }
    }

    private static void append(FileChannel ch, String fn, Message message, AddedLines lines) throws Failure {
        Sink out = new Sink(ch, fn);
        out.write((lines.fromLine() + lines.returnPath() + lines.deliveredTo()).getBytes(StandardCharsets.ISO_8859_1));
        FromQuoting quoting = new FromQuoting(out);
        ByteBuffer buf = ByteBuffer.allocate(Message.BLOCK);
        int n;
        while ((n = message.read(buf.clear())) >= 0) quoting.write(buf.array(), 0, n);
        quoting.finish();
        out.write(new byte[] {'\n'});
        out.flush();
        try {
            ch.force(true);
        } catch (IOException e) {
            throw writeError(fn, e);
        }
    }

    /** The exclusive lock, or null if this file system has none; Failure if it stays taken too long. */
    private static FileLock lock(FileChannel ch, long waitMillis) throws Failure {
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        for (;;) {
            try {
                FileLock lock = ch.tryLock();
                if (lock != null) return lock;
            } catch (IOException | OverlappingFileLockException e) {
                return null;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw Failure.temporary("File has been locked for " + (waitMillis + 999) / 1000
                    + " seconds straight. (#4.3.0)");
            }
            try {
                Thread.sleep(Math.min(POLL_MILLIS, left / 1_000_000 + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Failure.temporary("Interrupted while waiting for a lock. (#4.3.0)");
            }
        }
    }

    private static void truncate(FileChannel ch, long pos) {
        try {
            ch.truncate(pos);
            ch.force(true);
        } catch (IOException ignored) {
            // the delivery already failed temporarily; nothing better to do (qmail ignores it too)
        }
    }

    static Failure writeError(String fn, IOException e) {
        return Failure.temporary("Unable to write " + ErrorText.name(fn) + ": " + ErrorText.of(e) + ". (#4.3.0)");
    }

    /** A buffered writer onto the mbox whose every failure is qmail's "Unable to write FN". */
    static final class Sink {
        private final FileChannel ch;
        private final String fn;
        private final ByteBuffer buf = ByteBuffer.allocate(Message.BLOCK);

        Sink(FileChannel ch, String fn) {
            this.ch = ch;
            this.fn = fn;
        }

        void write(byte[] b) throws Failure {
            write(b, 0, b.length);
        }

        void write(byte[] b, int off, int len) throws Failure {
            while (len > 0) {
                if (!buf.hasRemaining()) flush();
                int k = Math.min(len, buf.remaining());
                buf.put(b, off, k);
                off += k;
                len -= k;
            }
        }

        void write(byte b) throws Failure {
            if (!buf.hasRemaining()) flush();
            buf.put(b);
        }

        void flush() throws Failure {
            buf.flip();
            try {
                while (buf.hasRemaining()) ch.write(buf);
            } catch (IOException e) {
                throw writeError(fn, e);
            }
            buf.clear();
        }
    }
}
