package org.jqmail.smtpd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What stat(2) said about some files at one moment: for each, absent, or its device, inode, size,
 * mtime and ctime. Two stamps of the same files are equal when none of them was created, removed,
 * replaced (a new inode, as {@code mv x.new x} gives), rewritten (mtime, size) or touched in any other
 * way, chmod and {@code touch -d} included (ctime, which nobody can set back). The first file should
 * be their directory: creating or removing an entry changes its mtime.
 * <p>
 * File times come from a coarse clock (a kernel tick on Linux, whole seconds on some file systems), so
 * a file written twice within one tick keeps its times, and a stamp taken between the two writes would
 * equal one taken after. Git's "racy clean" rule closes that gap: a stamp is {@linkplain #clean()
 * clean} only when every time in it is older than {@link #RACY_MILLIS} before the stamp was taken;
 * only a clean stamp may stand for the contents read after it. Taking a stamp throws nothing for an
 * absent file (java.nio's {@code exists} is a plain stat here): a normal installation lacks most of
 * the optional controls, and an exception per missing file per connection is what this replaces.
 */
final class ControlStamp {
    /** Longer than any file-system timestamp granularity (FAT: 2 s) plus the coarse/fine clock skew. */
    static final long RACY_MILLIS = org.jqmail.common.FileStamp.RACY_MILLIS;
    private static final String ATTRIBUTES = "unix:dev,ino,size,lastModifiedTime,ctime";

    /** One file's stat; null in {@link #stats} stands for an absent file. */
    private record Stat(long dev, long ino, long size, FileTime mtime, FileTime ctime) {}

    private final Stat[] stats;
    private final boolean clean;

    private ControlStamp(Stat[] stats, boolean clean) {
        this.stats = stats;
        this.clean = clean;
    }

    /**
     * Stats {@code files} (symbolic links followed) at {@code nowMillis} (System.currentTimeMillis());
     * null when one cannot be stat'd (no permission, a race with its removal): nothing to compare.
     */
    static ControlStamp take(List<Path> files, long nowMillis) {
        Stat[] stats = new Stat[files.size()];
        boolean clean = true;
        try {
            for (int i = 0; i < stats.length; i++) {
                Path p = files.get(i);
                if (!Files.exists(p)) continue;
                Map<String, Object> a = Files.readAttributes(p, ATTRIBUTES);
                Stat s = new Stat(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue(),
                    ((Number) a.get("size")).longValue(), (FileTime) a.get("lastModifiedTime"), (FileTime) a.get("ctime"));
                clean &= olderThan(s.mtime(), nowMillis) && olderThan(s.ctime(), nowMillis);
                stats[i] = s;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return new ControlStamp(stats, clean);
    }

    /** A time from the future (a skewed clock) is never old: such a stamp is never clean. */
    private static boolean olderThan(FileTime t, long nowMillis) {
        return t != null && t.toMillis() < nowMillis - RACY_MILLIS;
    }

    /** Every time in it was older than RACY_MILLIS when it was taken. */
    boolean clean() {
        return clean;
    }

    /** The same files, unchanged (raciness aside). */
    boolean sameAs(ControlStamp other) {
        return other != null && Arrays.equals(stats, other.stats);
    }
}
