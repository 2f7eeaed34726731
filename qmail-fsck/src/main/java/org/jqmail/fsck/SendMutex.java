package org.jqmail.fsck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Is qmail-send running? qmail-send holds an flock on lock/sendmutex for its whole life, and Linux
 * lists every lock in /proc/locks as {@code ID: TYPE ADVISORY MODE PID MAJ:MIN:INODE START END}. An
 * flock cannot be tested with the JDK's FileChannel.tryLock (that is fcntl, which flock does not see),
 * so the inode is looked for there, as qmail-queue's Trigger does.
 */
final class SendMutex {
    private SendMutex() {}

    /** True if some process holds a lock on {@code sendmutex}; false if it is missing or unlocked. */
    static boolean held(Path sendmutex, Path procLocks) throws IOException {
        FileState s = FileState.of(sendmutex);
        if (s == null) return false;
        String text = new String(Files.readAllBytes(procLocks), StandardCharsets.ISO_8859_1);
        String suffix = ":" + s.ino();
        for (String line : text.split("\n")) {
            for (String field : line.split(" ")) {
                int first = field.indexOf(':');
                int last = field.lastIndexOf(':');
                // MAJ:MIN:INODE is the only field with two colons
                if (first > 0 && first < last && field.substring(last).equals(suffix)) return true;
            }
        }
        return false;
    }
}
