package org.jqmail.fsck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * What qmail-fsck needs to know of one directory entry, read without following a symlink (a symlink in
 * the queue is never something qmail made, and following one would let a planted link steer a repair
 * to a file outside the queue).
 */
record FileState(int mode, int uid, int gid, long ino, long mtimeMillis, long size) {
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFIFO = 0010000;

    /** The entry's state, or null if it does not exist. */
    static FileState of(Path p) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:mode,uid,gid,ino,lastModifiedTime,size", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        return new FileState((Integer) a.get("mode"), (Integer) a.get("uid"), (Integer) a.get("gid"),
            (Long) a.get("ino"), ((FileTime) a.get("lastModifiedTime")).toMillis(), (Long) a.get("size"));
    }

    boolean isFile() { return (mode & S_IFMT) == S_IFREG; }
    boolean isDirectory() { return (mode & S_IFMT) == S_IFDIR; }
    boolean isFifo() { return (mode & S_IFMT) == S_IFIFO; }
    int permissions() { return mode & 07777; }

    String kind() {
        return switch (mode & S_IFMT) {
            case S_IFREG -> "a file";
            case S_IFDIR -> "a directory";
            case S_IFIFO -> "a FIFO";
            case 0120000 -> "a symlink";
            default -> "a special file";
        };
    }

    static String octal(int mode) {
        return String.format("%04o", mode);
    }
}
