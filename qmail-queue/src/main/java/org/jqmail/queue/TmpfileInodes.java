package org.jqmail.queue;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.jqmail.common.ErrnoCalls;
import org.jqmail.common.QueueLayout;

/**
 * qmail-queued's new queue files (the message and intd/N), made as unnamed inodes with
 * {@code open(mess/K, O_TMPFILE)} and then linked under their names with {@code linkat}, instead of
 * qmail-queue's {@code pid/} file (message) and {@code open(intd/N, O_CREAT|O_EXCL)}. The inode number,
 * which names the message, is known before any name exists, and a file that is never linked (a crash,
 * a failed injection) vanishes by itself.
 * <p>
 * Why: ext4 takes a new file's inode from the block group of the directory it is made in, and on a
 * file system without a journal it walks that group's recently freed inodes one by one for every new
 * file (docs/DECISIONS.md, "Queue directories in block groups of their own"). pid/ and intd/ are one
 * directory each, so every message's two inodes came from the same two groups, where every message's
 * two inodes were also freed again: a third of qmail-queued's CPU went to that walk. Made in mess/K,
 * K taken in turn over the 23 split directories (spread over block groups by the installer), the
 * inodes and their later freeing are spread over 23 groups. The names, and so everything any other
 * program sees, are qmail's.
 * <p>
 * Linux only (O_TMPFILE since 3.11, on ext4, XFS, btrfs, tmpfs); where the file system refuses it
 * ({@link #supported} false after the first refusal) qmail-queued goes back to the pid/ file.
 */
final class TmpfileInodes {
    private static final int O_WRONLY = 0x1;
    private static final int O_CLOEXEC = 0x80000;
    private static final int O_TMPFILE = 0x410000; // __O_TMPFILE | O_DIRECTORY (x86-64, aarch64)
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_FOLLOW = 0x400;
    private static final int MODE_0644 = 0644;
    private static final int EEXIST = 17;

    /** open is variadic: the mode is its third, variadic argument. */
    private static final MethodHandle OPEN = ErrnoCalls.function("open",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle LINKAT = ErrnoCalls.function("linkat",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CLOSE = Linker.nativeLinker().downcallHandle(
        Linker.nativeLinker().defaultLookup().findOrThrow("close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final QueueLayout queue;
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean supported = true;

    TmpfileInodes(QueueLayout queue) {
        this.queue = queue;
    }

    boolean supported() {
        return supported;
    }

    /** An unnamed inode, open for writing; close it once it is linked (or abandoned). */
    record Unnamed(int fd, long inode) implements AutoCloseable {
        @Override
        public void close() {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable e) {
                // a native call cannot throw
            }
        }
    }

    /** Thrown when a link's name exists already (qmail-queue's O_EXCL failure). */
    static final class NameTaken extends IOException {
        private static final long serialVersionUID = 1L;

        NameTaken(Path p) {
            super(p + " exists");
        }
    }

    /** A new inode in the next split directory of mess/; an IOException when none can be made. */
    Unnamed make() throws IOException {
        Path dir = queue.mess(Math.floorMod(next.getAndIncrement(), QueueLayout.SPLIT)).getParent();
        int fd;
        int errno;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = ErrnoCalls.state(arena);
            fd = (int) OPEN.invokeExact(state, arena.allocateFrom(dir.toString()), O_TMPFILE | O_WRONLY | O_CLOEXEC, MODE_0644);
            errno = ErrnoCalls.errno(state);
        } catch (Throwable e) {
            throw new IOException("open(O_TMPFILE) failed", e);
        }
        if (fd < 0) {
            // EOPNOTSUPP (a file system without it), EISDIR or EINVAL (a kernel without it): not here
            if (errno == 95 || errno == 21 || errno == 22) supported = false;
            throw new IOException("cannot make an inode in " + dir + " (errno " + errno + ")");
        }
        try {
            long inode = (Long) Files.getAttribute(Path.of("/proc/self/fd/" + fd), "unix:ino");
            return new Unnamed(fd, inode);
        } catch (IOException | RuntimeException e) {
            new Unnamed(fd, 0).close();
            throw new IOException("cannot stat a new inode", e);
        }
    }

    /** Gives {@code u} the name {@code target}; {@link NameTaken} if that name exists. */
    void link(Unnamed u, Path target) throws IOException {
        int r;
        int errno;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = ErrnoCalls.state(arena);
            r = (int) LINKAT.invokeExact(state, AT_FDCWD, arena.allocateFrom("/proc/self/fd/" + u.fd()), AT_FDCWD,
                arena.allocateFrom(target.toString()), AT_SYMLINK_FOLLOW);
            errno = ErrnoCalls.errno(state);
        } catch (Throwable e) {
            throw new IOException("linkat failed", e);
        }
        if (r == 0) return;
        if (errno == EEXIST) throw new NameTaken(target);
        throw new IOException("cannot link " + target + " (errno " + errno + ")");
    }
}
