package org.jqmail.common;

import java.nio.file.Path;

/**
 * Paths inside the queue (INTERNALS, fmtqfn.c). A message is named by N, the inode number of its mess
 * file; mess, info, local and remote are split into {@link #SPLIT} subdirectories by N mod SPLIT, while
 * pid, intd, todo and bounce are flat.
 */
public final class QueueLayout {
    /** qmail's conf-split. Changing it needs an empty queue, exactly as with qmail. */
    public static final int SPLIT = 23;

    /** Directories split by message number. */
    public static final String[] SPLIT_DIRS = {"mess", "info", "local", "remote"};

    private final Path queue;

    public QueueLayout(Path queue) {
        this.queue = queue;
    }

    /** The queue of the installation root. */
    public static QueueLayout ofRoot() {
        return new QueueLayout(QmailRoot.queue());
    }

    public Path queue() {
        return queue;
    }

    public static long split(long n) {
        return n % SPLIT;
    }

    /** {@code mess/S/N} relative to the queue: what qmail-send names in a spawn request. */
    public static String messName(long n) {
        return "mess/" + split(n) + "/" + n;
    }

    public Path pidDir() { return queue.resolve("pid"); }
    public Path mess(long n) { return splitPath("mess", n); }
    public Path intd(long n) { return queue.resolve("intd").resolve(Long.toString(n)); }
    public Path todo(long n) { return queue.resolve("todo").resolve(Long.toString(n)); }
    public Path info(long n) { return splitPath("info", n); }
    public Path local(long n) { return splitPath("local", n); }
    public Path remote(long n) { return splitPath("remote", n); }
    public Path bounce(long n) { return queue.resolve("bounce").resolve(Long.toString(n)); }
    public Path lock() { return queue.resolve("lock"); }
    public Path trigger() { return lock().resolve("trigger"); }
    public Path sendmutex() { return lock().resolve("sendmutex"); }
    public Path tcpto() { return lock().resolve("tcpto"); }

    private Path splitPath(String dir, long n) {
        return queue.resolve(dir).resolve(Long.toString(split(n))).resolve(Long.toString(n));
    }

    /**
     * Parses a message number from a queue file name: decimal digits only, no sign, no leading zero,
     * fits in a long. Returns -1 for anything else, so a stray file is skipped, never misread.
     */
    public static long parseNumber(String name) {
        int len = name.length();
        if (len == 0 || len > 18) return -1;
        if (name.charAt(0) == '0' && len > 1) return -1;
        long n = 0;
        for (int i = 0; i < len; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') return -1;
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
