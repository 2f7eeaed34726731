package org.jqmail.fsck;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.jqmail.common.DurableFiles;

/**
 * The only changes qmail-fsck ever makes, each one durable before the next begins (the directory is
 * fsync'd after every link and unlink, as everywhere in the queue). None of them follows a symlink.
 */
final class Repairs {
    private Repairs() {}

    static void owner(Path p, int uid, int gid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        if (gid >= 0) Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * chmod without following a symlink: the JDK opens the file O_NOFOLLOW and fchmods it, so a link
     * swapped in after the check cannot steer the chmod elsewhere. Not for FIFOs (see {@link #refifo}).
     */
    static void mode(Path p, int mode) throws IOException {
        Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Moves {@code from} to {@code to} (same file system) and never over an existing file: a link first,
     * which fails if {@code to} exists, then the old name goes. A crash in between leaves two names for
     * one inode, which the next run sees as a duplicate and reports, never as a loss.
     */
    static void move(Path from, Path to) throws IOException {
        Files.createLink(to, from);
        DurableFiles.syncDirectory(to.getParent());
        Files.delete(from);
        DurableFiles.syncDirectory(from.getParent());
    }

    static void delete(Path p) throws IOException {
        Files.delete(p);
        DurableFiles.syncDirectory(p.getParent());
    }

    static void directory(Path p, int uid, int gid, int mode) throws IOException {
        Files.createDirectory(p);
        owner(p, uid, gid);
        mode(p, mode);
        DurableFiles.syncDirectory(p.getParent());
    }

    /** A new file of {@code size} zero bytes (sendmutex: 0; tcpto: 1024, as the installer makes it). */
    static void file(Path p, int size, int uid, int gid, int mode) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(size));
            ch.force(true);
        }
        owner(p, uid, gid);
        mode(p, mode);
        DurableFiles.syncDirectory(p.getParent());
    }

    /**
     * mkfifo(1) with the mode given exactly (-m is not masked by the umask): the JDK cannot make a FIFO,
     * nor chmod one without opening it, and opening a FIFO blocks until the other end is opened.
     */
    static void fifo(Path p, int uid, int gid, int mode) throws IOException {
        Process proc = new ProcessBuilder("mkfifo", "-m", Integer.toOctalString(mode), "--", p.toString())
            .redirectErrorStream(true).start();
        try {
            if (!proc.waitFor(30, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                throw new IOException("mkfifo timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for mkfifo");
        }
        String out = new String(proc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        if (proc.exitValue() != 0) throw new IOException("mkfifo failed: " + out);
        owner(p, uid, gid);
        DurableFiles.syncDirectory(p.getParent());
    }

    /** A FIFO with the wrong mode is made again: what it holds (wake-up bytes) means nothing. */
    static void refifo(Path p, int uid, int gid, int mode) throws IOException {
        Files.delete(p);
        fifo(p, uid, gid, mode);
    }
}
