package org.jqmail.fsck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: every exit code, and the refusal to touch a queue qmail-send is working on. */
class MainTest {
    @TempDir
    Path tmp;

    /** /proc/locks as it reads while qmail-send holds its flock on lock/sendmutex. */
    private static void sendRunning(TestQueue q) throws Exception {
        long ino = (Long) Files.getAttribute(q.path("lock/sendmutex"), "unix:ino");
        Files.writeString(q.locks, "1: POSIX  ADVISORY  WRITE 999 00:1f:4242 0 EOF\n"
            + "2: FLOCK  ADVISORY  WRITE 1234 08:01:" + ino + " 0 EOF\n");
    }

    @Test
    void exit0WhenCleanAnd1WithProblems() throws Exception {
        TestQueue q = new TestQueue(tmp);
        assertEquals(0, q.fsck().exit());
        Files.writeString(q.path("todo/5"), "x");
        Files.setAttribute(q.path("todo/5"), "unix:mode", 0644);
        TestQueue.Run r = q.fsck();
        assertEquals(1, r.exit());
        assertEquals("todo/5: no mess/5/5\ntodo/5: truncated: record 0 has no NUL\nqmail-fsck: 0 messages, 2 problems, 0 repaired\n", r.out());
    }

    @Test
    void qmailSendRunningIsExit111UnlessReadOnly() throws Exception {
        TestQueue q = new TestQueue(tmp);
        sendRunning(q);
        TestQueue.Run r = q.fsck();
        assertEquals(111, r.exit());
        assertEquals("qmail-fsck: fatal: qmail-send is running (lock/sendmutex is locked): stop it first, or use --read-only\n", r.err());
        assertEquals("", r.out());
        r = q.fsck("--repair");
        assertEquals(111, r.exit());
        assertEquals("qmail-fsck: fatal: qmail-send is running (lock/sendmutex is locked): stop it first,\n", r.err());
        r = q.fsck("--read-only");
        assertEquals(0, r.exit(), r.err());
        assertEquals("qmail-fsck: warning: qmail-send is running: a message it is working on may show up as a problem\n"
            + "qmail-fsck: 0 messages, 0 problems, 0 repaired\n", r.out());
    }

    @Test
    void anotherInodeLockedIsNotQmailSend() throws Exception {
        TestQueue q = new TestQueue(tmp);
        long ino = (Long) Files.getAttribute(q.path("lock/sendmutex"), "unix:ino");
        Files.writeString(q.locks, "1: FLOCK  ADVISORY  WRITE 1234 08:01:" + ino + "7 0 EOF\n" + ino + ": x\n");
        assertEquals(0, q.fsck().exit());
    }

    @Test
    void usageErrorsAreExit100() throws Exception {
        TestQueue q = new TestQueue(tmp);
        TestQueue.Run r = q.fsck("--repair", "--read-only");
        assertEquals(100, r.exit());
        assertEquals("qmail-fsck: usage: --repair and --read-only exclude each other\n", r.err());
        r = q.fsck("--frobnicate");
        assertEquals(100, r.exit());
        assertTrue(r.err().startsWith("qmail-fsck: usage: Unknown option: '--frobnicate'"), r.err());
        r = q.fsck("extra");
        assertEquals(100, r.exit());
    }

    @Test
    void aMissingOrUnreadableQueueIsExit111() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {"--queue", tmp.resolve("nothing").toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(111, exit);
        assertEquals("qmail-fsck: fatal: no queue at " + tmp.resolve("nothing") + "\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpDocumentsTheExitCodes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, exit);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("Usage: qmail-fsck [-hV] [--read-only] [--repair] [--queue=DIR]"), text);
        assertTrue(text.contains("Exit codes:"), text);
        assertTrue(text.contains("111"), text);
    }
}
