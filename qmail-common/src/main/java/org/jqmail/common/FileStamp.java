package org.jqmail.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * What a long-running process keeps beside something it built from a file (passwd answers, a TLS
 * context from a CA file), to know when to build it again: the file's modification time, size and
 * inode. Equal stamps mean the same file, unchanged; a file replaced by rename has another inode.
 * File times come from a coarse clock, so a file changed within {@link #RACY_MILLIS} gives no stamp
 * (git's "racy clean" rule): a second change in the same clock tick would leave the same times.
 */
public final class FileStamp {
    /** Longer than any file-system timestamp granularity (FAT: 2 s) plus the coarse/fine clock skew. */
    public static final long RACY_MILLIS = 2000;

    private FileStamp() {}

    /** {@code p}'s stamp, or null when it is missing, cannot be looked at, or is too fresh to be trusted. */
    public static Object of(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            long modified = a.lastModifiedTime().toMillis();
            if (System.currentTimeMillis() - modified < RACY_MILLIS) return null;
            return List.of(modified, a.size(), String.valueOf(a.fileKey()));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
