package org.jqmail.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.jqmail.common.DurableFiles;
import org.jqmail.common.ReusedThreads;

/**
 * A file's fsync and its directory's fsync, each started at once on a thread of its own, waited for
 * together. On a 2-core machine an fsync is mostly waiting for the disk; qmail-queue's three (the
 * message, its directory entry, intd) used to run one after another, and now overlap (the block layer
 * merges the flushes that meet). No lambdas: qmail-queue is a one-message program and each would cost
 * a bootstrap.
 */
final class Syncs {
    private static final ReusedThreads THREADS = new ReusedThreads("qmail-queue fsync ", true);

    private final Task file;
    private final Task dir;

    Syncs(FileChannel channel, Path directory) {
        file = new Task(channel, null);
        dir = new Task(null, directory);
        start(file);
        start(dir);
    }

    private static void start(Task t) {
        try {
            THREADS.start(t);
        } catch (OutOfMemoryError | RuntimeException e) {
            t.run(); // no thread to be had: here and now, as before
        }
    }

    /** Waits for both; the first failure, or null. */
    IOException await() {
        IOException a = file.await();
        IOException b = dir.await();
        return a != null ? a : b;
    }

    private static final class Task implements Runnable {
        private final FileChannel channel;
        private final Path directory;
        private boolean done; // guarded by this
        private IOException failure; // guarded by this

        Task(FileChannel channel, Path directory) {
            this.channel = channel;
            this.directory = directory;
        }

        @Override
        public void run() {
            IOException e = null;
            try {
                if (channel != null) channel.force(true);
                else DurableFiles.syncDirectory(directory);
            } catch (IOException x) {
                e = x;
            } catch (RuntimeException x) {
                e = new IOException(x);
            }
            synchronized (this) {
                failure = e;
                done = true;
                notifyAll();
            }
        }

        synchronized IOException await() {
            boolean interrupted = false;
            while (!done) {
                try {
                    wait();
                } catch (InterruptedException x) {
                    interrupted = true; // the fsync is under way; it must end before anything goes on
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            return failure;
        }
    }
}
