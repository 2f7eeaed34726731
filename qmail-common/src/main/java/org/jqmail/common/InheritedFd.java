package org.jqmail.common;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Reading and writing the file descriptors a program inherits, as qmail's programs use them: fds 0, 1
 * and 2 through the JDK's own descriptors (so that, for example, qmail-queue can read its envelope from
 * fd 1), and fds above 2 through {@code /proc/self/fd/N}. No native code, so this costs nothing at
 * start-up.
 * <p>
 * Opening /proc/self/fd/N makes a new open file on the same object. For a pipe that is the same pipe,
 * which is what our protocols put on fds above 2. For a regular file, reading starts at offset 0 and
 * writing appends; the inherited fd's own offset is neither used nor moved. A socket cannot be opened
 * this way (ENXIO).
 * <p>
 * The streams are {@link FileInputStream}/{@link FileOutputStream}, unbuffered: wrap them. Not the
 * streams of {@code Files.newInputStream}: those are channel-backed and their transferTo seeks, which
 * fails on a pipe with "Illegal seek".
 */
public final class InheritedFd {
    private InheritedFd() {}

    /** Reads from fd {@code n}. */
    public static InputStream input(int n) throws IOException {
        return switch (n) {
            case 0 -> new FileInputStream(FileDescriptor.in);
            case 1 -> new FileInputStream(FileDescriptor.out);
            case 2 -> new FileInputStream(FileDescriptor.err);
            default -> new FileInputStream(procFd(n).toString());
        };
    }

    /** Writes to fd {@code n}. */
    public static OutputStream output(int n) throws IOException {
        return switch (n) {
            case 0 -> new FileOutputStream(FileDescriptor.in);
            case 1 -> new FileOutputStream(FileDescriptor.out);
            case 2 -> new FileOutputStream(FileDescriptor.err);
            // append: never truncate a regular file that was handed to us (as "4>>log" or "4>log")
            default -> new FileOutputStream(procFd(n).toString(), true);
        };
    }

    /** True if fd {@code n} is open in this process. */
    public static boolean isOpen(int n) {
        return Files.exists(procFd(n), LinkOption.NOFOLLOW_LINKS);
    }

    private static Path procFd(int n) {
        if (n < 0) throw new IllegalArgumentException("fd " + n);
        return Path.of("/proc/self/fd/" + n);
    }
}
