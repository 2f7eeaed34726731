package org.jqmail.common;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reading and writing the file descriptors a program inherits, as qmail's programs use them: fd 0 and
 * fd 1 through the JDK's own descriptors (so that, for example, qmail-queue can read its envelope from
 * fd 1), and fds above 2 through {@code /proc/self/fd/N}. For a pipe, opening /proc/self/fd/N gives the
 * same pipe; for a regular file it gives a new open file at offset 0, which is what our protocols need
 * (they put only pipes on fds above 2). No native code, so this costs nothing at start-up.
 */
public final class InheritedFd {
    private InheritedFd() {}

    /** Reads from fd {@code n}. For 0 and 1 the stream is unbuffered; wrap it. */
    public static InputStream input(int n) throws IOException {
        return switch (n) {
            case 0 -> new FileInputStream(FileDescriptor.in);
            case 1 -> new FileInputStream(FileDescriptor.out);
            case 2 -> new FileInputStream(FileDescriptor.err);
            default -> Files.newInputStream(procFd(n), StandardOpenOption.READ);
        };
    }

    /** Writes to fd {@code n}. For 0, 1 and 2 the stream is unbuffered; wrap it. */
    public static OutputStream output(int n) throws IOException {
        return switch (n) {
            case 0 -> new FileOutputStream(FileDescriptor.in);
            case 1 -> new FileOutputStream(FileDescriptor.out);
            case 2 -> new FileOutputStream(FileDescriptor.err);
            default -> Files.newOutputStream(procFd(n), StandardOpenOption.WRITE);
        };
    }

    /** True if fd {@code n} is open in this process. */
    public static boolean isOpen(int n) {
        return Files.exists(procFd(n), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    private static Path procFd(int n) {
        if (n < 0) throw new IllegalArgumentException("fd " + n);
        return Path.of("/proc/self/fd/" + n);
    }
}
