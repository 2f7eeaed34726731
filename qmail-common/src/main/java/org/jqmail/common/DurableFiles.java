package org.jqmail.common;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place where writes are made durable, in the order qmail relies on: data written, then
 * {@code force(true)}, then the link or rename that makes it visible, then an fsync of the directory.
 * qmail assumes BSD-style synchronous metadata updates; on Linux a link or rename is durable only once its
 * directory is fsync'd (notqmail GH#94, the reason for the syncdir patch), so we do that explicitly.
 */
public final class DurableFiles {
    /** Makes temporary names unique among the threads of one process. */
    private static final AtomicLong TEMP_SEQUENCE = new AtomicLong();

    private DurableFiles() {}

    /** fsync a directory so that links, renames and unlinks in it survive a crash. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Hard-links {@code existing} as {@code link} and makes the new name durable. */
    public static void link(Path existing, Path link) throws IOException {
        Files.createLink(link, existing);
        syncDirectory(parentOf(link));
    }

    /**
     * Atomically replaces {@code target} with the already-forced {@code temp} (same directory), then
     * syncs the directory: a reader sees the old file or the new one, never a mix.
     */
    public static void publish(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + temp + " to " + target + " atomically", e);
        }
        syncDirectory(parentOf(target));
    }

    /**
     * Writes {@code data} to a fresh temporary file beside {@code target}, forces it and publishes it:
     * afterwards {@code target} holds the old content or the new, and no temporary file is left.
     * The temporary name is removed first and then created exclusively, so a symlink planted at that
     * name is replaced, never followed.
     */
    public static void replace(Path target, byte[] data) throws IOException {
        Path dir = parentOf(target);
        Path temp = dir.resolve(target.getFileName() + ".tmp" + ProcessHandle.current().pid() + "."
            + TEMP_SEQUENCE.incrementAndGet());
        Files.deleteIfExists(temp);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            publish(temp, target);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static Path parentOf(Path p) {
        Path parent = p.toAbsolutePath().getParent();
        return parent == null ? Path.of("/") : parent;
    }
}
