package org.jqmail.queue;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How qmail-queue tells whether qmail-send is running: its lock on sendmutex, seen in /proc/locks. */
class TriggerTest {
    @TempDir
    Path tmp;

    @Test
    void aRealLockIsSeenInProcLocks() throws Exception {
        Path mutex = Files.createFile(tmp.resolve("sendmutex"));
        assertFalse(Trigger.locked(mutex, Path.of("/proc/locks")));
        try (FileChannel ch = FileChannel.open(mutex, StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
            assertTrue(Trigger.locked(mutex, Path.of("/proc/locks")));
        }
        assertFalse(Trigger.locked(mutex, Path.of("/proc/locks")));
    }

    @Test
    void linesAreMatchedOnTheWholeInode() throws Exception {
        Path mutex = Files.createFile(tmp.resolve("sendmutex"));
        long ino = (Long) Files.getAttribute(mutex, "unix:ino");
        Path locks = tmp.resolve("locks");
        String[] yes = {
            "1: FLOCK  ADVISORY  WRITE 2403 fd:01:" + ino + " 0 EOF\n",
            "3: POSIX  ADVISORY  WRITE 99 00:2e:" + ino + " 0 EOF\n",
            "1: POSIX  ADVISORY  READ 1 08:01:1 0 EOF\n2: -> FLOCK  ADVISORY  WRITE 7 08:01:" + ino + " 0 EOF",
        };
        for (String text : yes) {
            Files.writeString(locks, text);
            assertTrue(Trigger.locked(mutex, locks), text);
        }
        String[] no = {
            "",
            "1: FLOCK  ADVISORY  WRITE 2403 fd:01:" + ino + "7 0 EOF\n",  // a longer inode
            "1: FLOCK  ADVISORY  WRITE 2403 fd:01:1" + ino + " 0 EOF\n",  // ends the same
            "1: FLOCK  ADVISORY  WRITE " + ino + " fd:01:5 0 EOF\n",     // the pid, not the inode
            "garbage " + ino + "\n\0\0:" + ino,
        };
        for (String text : no) {
            Files.writeString(locks, text);
            assertFalse(Trigger.locked(mutex, locks), text);
        }
    }

    @Test
    void noSendmutexMeansNoQmailSendAndUnreadableLocksMeanTry() throws Exception {
        assertFalse(Trigger.locked(tmp.resolve("missing"), Path.of("/proc/locks")));
        Path mutex = Files.createFile(tmp.resolve("sendmutex"));
        assertTrue(Trigger.locked(mutex, tmp.resolve("no-proc-locks")));
    }
}
