package org.jqmail.queue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Tells whether fd 0 or fd 1 was handed over by the caller or was closed when qmail-queue was started.
 * In C, reading a closed fd fails (EBADF: qmail-queue exits 54). In a JVM the closed number is taken by
 * the first file the JVM opens itself (measured: fd 0 becomes {@code $JAVA_HOME/lib/modules}, fd 1 the
 * application jar), and reading it would queue the JDK's module image as a message; a number still free
 * would be taken by the next file qmail-queue opens. So an fd that is closed, or that points at one of
 * the JVM's own files (under java.home, on the class path, or under ROOT/lib where the jars and AOT
 * caches live), counts as closed, and this is checked before qmail-queue opens anything. The shim rules
 * the case out for ordinary callers by opening /dev/null on a closed fd 0, 1 or 2; this covers qmailq
 * or root starting the program directly.
 */
final class StandardFd {
    private StandardFd() {}

    /** False if {@code fd} is closed or one of the JVM's own files, not something the caller handed over. */
    static boolean handedOver(int fd, Path root) {
        String target;
        try {
            target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (NoSuchFileException e) {
            return false; // closed
        } catch (IOException | UnsupportedOperationException e) {
            return true; // no /proc to ask: trust the caller, as qmail does
        }
        if (under(target, System.getProperty("java.home"))) return false;
        if (under(target, root.toAbsolutePath().resolve("lib").toString())) return false;
        String cp = System.getProperty("java.class.path", "");
        int start = 0;
        while (start <= cp.length()) {
            int end = cp.indexOf(File.pathSeparatorChar, start);
            if (end < 0) end = cp.length();
            if (end > start && Path.of(cp.substring(start, end)).toAbsolutePath().normalize().toString().equals(target)) return false;
            start = end + 1;
        }
        return true;
    }

    private static boolean under(String target, String dir) {
        if (dir == null || dir.isEmpty()) return false;
        String prefix = dir.endsWith("/") ? dir : dir + "/";
        return target.startsWith(prefix);
    }
}
