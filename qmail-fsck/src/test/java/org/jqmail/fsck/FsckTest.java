package org.jqmail.fsck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jqmail.common.QueueLayout;
import org.jqmail.queue.RealInjection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qmail-fsck on queues made by qmail-queue's own code, then damaged one way at a time. */
class FsckTest {
    static final long DAY = 86_400_000L;
    static final byte[] MESSAGE = "Subject: fsck\n\nbody\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;
    TestQueue q;

    @BeforeEach
    void queue() throws Exception {
        q = new TestQueue(tmp);
    }

    long inject(String... rcpts) throws Exception {
        StringBuilder env = new StringBuilder("Fsender@example.org\0");
        for (String r : rcpts) env.append('T').append(r).append('\0');
        env.append('\0');
        return RealInjection.inject(q.layout, MESSAGE, env.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    static String mess(long n) {
        return QueueLayout.messName(n);
    }

    static String split(String dir, long n) {
        return dir + "/" + QueueLayout.split(n) + "/" + n;
    }

    static void assertLines(TestQueue.Run r, String... lines) {
        List<String> got = new ArrayList<>(r.out().lines().toList());
        assertTrue(!got.isEmpty() && got.get(got.size() - 1).startsWith("qmail-fsck: "), r.out());
        got.remove(got.size() - 1);
        assertEquals(List.of(lines), got, r.out() + r.err());
    }

    @Test
    void aHealthyQueueMadeByQmailQueueIsClean() throws Exception {
        long a = inject("a@example.net");
        long b = inject("b@example.net", "c@example.net");
        long c = inject("local@it.example.test");
        q.process(c, "sender@example.org", "local@it.example.test");
        q.write("remote/" + QueueLayout.split(b) + "/" + b, "Dx@y\0Tz@w\0".getBytes(StandardCharsets.ISO_8859_1));
        q.write("info/" + QueueLayout.split(b) + "/" + b, "Fsender@example.org\0".getBytes(StandardCharsets.ISO_8859_1));
        TestQueue.Run r = q.fsck();
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals("qmail-fsck: 3 messages, 0 problems, 0 repaired\n", r.out());
        assertEquals("", r.err());
        assertTrue(a != b);
    }

    @Test
    void anEmptyFreshQueueIsClean() {
        TestQueue.Run r = q.fsck();
        assertEquals(0, r.exit(), r.out());
        assertEquals("qmail-fsck: 0 messages, 0 problems, 0 repaired\n", r.out());
    }

    @Test
    void aTruncatedInfoIsReportedAndNotRepaired() throws Exception {
        long n = inject("a@example.net");
        q.process(n, "sender@example.org", "a@example.net");
        q.write(split("info", n), "Fsend".getBytes(StandardCharsets.ISO_8859_1));
        assertLines(q.fsck(), split("info", n) + ": truncated: record 0 has no NUL");
        TestQueue.Run r = q.fsck("--repair");
        assertEquals(1, r.exit());
        assertLines(r, split("info", n) + ": truncated: record 0 has no NUL; not repaired");
        assertTrue(Files.exists(q.path(split("info", n))), "never removed");
    }

    @Test
    void anEmptyInfoAndAnInfoWithoutF() throws Exception {
        long n = inject("a@example.net");
        long m = inject("b@example.net");
        q.process(n, "s", "a@example.net");
        q.process(m, "s", "b@example.net");
        q.write(split("info", n), new byte[0]);
        q.write(split("info", m), "Tx\0".getBytes(StandardCharsets.ISO_8859_1));
        TestQueue.Run r = q.fsck();
        assertEquals(1, r.exit());
        assertTrue(r.out().contains(split("info", n) + ": empty (no F record)\n"), r.out());
        assertTrue(r.out().contains(split("info", m) + ": does not start with F\n"), r.out());
    }

    @Test
    void aMissingMessIsReportedForEveryFileThatNeedsIt() throws Exception {
        long n = inject("a@example.net");
        long m = inject("b@example.net");
        q.process(m, "s", "b@example.net");
        Files.delete(q.path(mess(n)));
        Files.delete(q.path(mess(m)));
        TestQueue.Run r = q.fsck();
        assertEquals(1, r.exit());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.contains("todo/" + n + ": no " + mess(n)), r.out());
        assertTrue(lines.contains(split("info", m) + ": no " + mess(m)), r.out());
        assertTrue(lines.contains(split("local", m) + ": no " + mess(m)), r.out());
        assertEquals("qmail-fsck: 0 messages, 3 problems, 0 repaired", lines.get(lines.size() - 1));
        q.fsck("--repair");
        assertTrue(Files.exists(q.layout.todo(n)), "a todo without its message is only reported");
    }

    @Test
    void aFileInTheWrongSplitDirectoryIsMovedBack() throws Exception {
        long n = inject("a@example.net");
        q.process(n, "s", "a@example.net");
        long wrong = (QueueLayout.split(n) + 1) % QueueLayout.SPLIT;
        Files.move(q.path(mess(n)), q.path("mess/" + wrong + "/" + n));
        Files.move(q.path(split("local", n)), q.path("local/" + n)); // loose at the top
        String what1 = "mess/" + wrong + "/" + n + ": belongs in " + mess(n) + " (" + n + " mod 23 = " + QueueLayout.split(n) + ")";
        String what2 = "local/" + n + ": belongs in " + split("local", n) + " (" + n + " mod 23 = " + QueueLayout.split(n) + ")";
        assertLines(q.fsck(), what1, what2);
        TestQueue.Run r = q.fsck("--repair");
        assertEquals(0, r.exit(), r.out());
        assertLines(r, what1 + "; repaired: moved", what2 + "; repaired: moved");
        assertEquals(n, (Long) Files.getAttribute(q.path(mess(n)), "unix:ino"), "the same file, moved");
        assertEquals(0, q.fsck().exit());
    }

    @Test
    void aMisplacedDuplicateIsNotMovedOverTheOriginal() throws Exception {
        long n = inject("a@example.net");
        long wrong = (QueueLayout.split(n) + 5) % QueueLayout.SPLIT;
        Files.copy(q.path(mess(n)), q.path("mess/" + wrong + "/" + n));
        Files.setAttribute(q.path("mess/" + wrong + "/" + n), "unix:mode", 0644);
        TestQueue.Run r = q.fsck("--repair");
        assertEquals(1, r.exit());
        assertLines(r, "mess/" + wrong + "/" + n + ": belongs in " + mess(n) + " (" + n + " mod 23 = " + QueueLayout.split(n)
            + "); not repaired: " + mess(n) + " exists too: compare them by hand");
    }

    @Test
    void garbageBytesAndNulLessRecordsInRecipientLists() throws Exception {
        long n = inject("a@example.net");
        long m = inject("b@example.net");
        long k = inject("c@example.net");
        q.process(n, "s", "a@example.net");
        q.process(m, "s", "b@example.net");
        q.process(k, "s", "c@example.net");
        q.write(split("local", n), new byte[] {(byte) 0xff, 'x', 0, 'T', 'y', 0});
        q.write(split("local", m), "Ta@x\0Tb@y".getBytes(StandardCharsets.ISO_8859_1));
        byte[] huge = new byte[RecordFormat.MAX_RECORD + 2];
        java.util.Arrays.fill(huge, (byte) 'a');
        huge[0] = 'T';
        huge[huge.length - 1] = 0;
        q.write(split("local", k), huge);
        TestQueue.Run r = q.fsck();
        assertEquals(1, r.exit());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.contains(split("local", n) + ": record 0 is neither T nor D"), r.out());
        assertTrue(lines.contains(split("local", m) + ": truncated: record 1 has no NUL"), r.out());
        assertTrue(lines.contains(split("local", k) + ": record 0 longer than 4096 bytes"), r.out());
    }

    @Test
    void aTodoWithGarbageOrWithoutItsSender() throws Exception {
        long n = inject("a@example.net");
        long m = inject("b@example.net");
        // todo and intd are one inode: writing one is writing both
        Files.write(q.layout.todo(n), "u1\0p2\0Tx\0".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(q.layout.todo(m), "u1\0p2\0Fs\0Tx\0Fagain\0".getBytes(StandardCharsets.ISO_8859_1));
        TestQueue.Run r = q.fsck();
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.contains("todo/" + n + ": record 2 out of place"), r.out());
        assertTrue(lines.contains("todo/" + m + ": record 4 out of place"), r.out());
    }

    @Test
    void localOrRemoteWithoutInfo() throws Exception {
        long n = inject("a@example.net");
        q.process(n, "s", "a@example.net");
        Files.delete(q.path(split("info", n)));
        TestQueue.Run r = q.fsck("--repair");
        assertEquals(1, r.exit());
        assertLines(r, split("local", n) + ": no " + split("info", n) + " (the sender); not repaired");
        assertTrue(Files.exists(q.path(mess(n))), "a message with recipients left is never removed");
    }

    @Test
    void ownersAndModes() throws Exception {
        long n = inject("a@example.net");
        Files.setAttribute(q.path(mess(n)), "unix:mode", 0666);
        Files.setAttribute(q.path("todo"), "unix:mode", 0777);
        Files.setAttribute(q.path("lock/trigger"), "unix:mode", 0600);
        assertLines(q.fsck(),
            "todo: mode 0777, not 0750",
            "lock/trigger: mode 0600, not 0622",
            mess(n) + ": mode 0666, not 0644");
        TestQueue.Run r = q.fsck("--repair");
        assertEquals(0, r.exit(), r.out());
        assertEquals(0644, (Integer) Files.getAttribute(q.path(mess(n)), "unix:mode") & 07777);
        assertEquals(0750, (Integer) Files.getAttribute(q.path("todo"), "unix:mode") & 07777);
        assertEquals(0, q.fsck().exit());
    }

    @Test
    void wrongOwnersAreReported() throws Exception {
        long n = inject("a@example.net");
        q.process(n, "s", "a@example.net");
        Main m = new Main(System.out, System.err);
        int me = q.owners.qmailq();
        TestQueue other = q;
        // Pretend qmails is someone else: every qmails entry is then reported, and nothing else.
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Main main = new Main(new java.io.PrintStream(out, true), System.err);
        main.owners = new Owners(me, me + 1, me, q.owners.qmailGid());
        main.procLocks = other.locks;
        assertEquals(1, Main.run(main, new String[] {"--queue", q.dir.toString()}));
        String text = out.toString();
        assertTrue(text.contains("info: owner " + me + ", not " + (me + 1) + "\n"), text);
        assertTrue(text.contains("lock/sendmutex: owner " + me + ", not " + (me + 1) + "\n"), text);
        assertTrue(text.contains(split("local", n) + ": owner " + me + ", not " + (me + 1) + "\n"), text);
        assertFalse(text.contains(mess(n) + ":"), text);
        // 1 bounce + 3 top dirs + 3*23 split dirs + sendmutex + trigger + info + local
        assertTrue(text.endsWith("1 messages, " + (1 + 3 + 3 * 23 + 2 + 2) + " problems, 0 repaired\n"), text);
        assertTrue(m != null);
    }

    @Test
    void orphansOlderThanADayAreRemovedAndYoungerOnesKept() throws Exception {
        long done = inject("a@example.net");
        long fresh = inject("b@example.net");
        long kept = inject("c@example.net");
        // An injection that died before its commit: mess and intd, no todo; a day and a bit old.
        Files.delete(q.layout.todo(done));
        TestQueue.age(q.path(mess(done)), DAY + 60_000);
        TestQueue.age(q.layout.intd(done), DAY + 60_000);
        // One dying right now: young, left alone.
        Files.delete(q.layout.todo(fresh));
        // An old message still in todo: not an orphan.
        TestQueue.age(q.path(mess(kept)), 30 * DAY);
        Path deadPid = q.write("pid/123.456.1", new byte[0]);
        Files.setAttribute(deadPid, "unix:mode", 0644);
        TestQueue.age(deadPid, DAY + 1);
        Path livePid = q.write("pid/124.456.1", new byte[0]);
        Files.setAttribute(livePid, "unix:mode", 0644);

        assertLines(q.fsck(),
            "intd/" + done + ": orphan: no todo, older than a day",
            mess(done) + ": orphan: neither todo nor info, older than a day",
            "pid/123.456.1: orphan: left by a qmail-queue that died, older than a day");
        TestQueue.Run r = q.fsck("--repair");
        assertEquals(0, r.exit(), r.out());
        assertFalse(Files.exists(q.path(mess(done))));
        assertFalse(Files.exists(q.layout.intd(done)));
        assertFalse(Files.exists(deadPid));
        assertTrue(Files.exists(livePid));
        assertTrue(Files.exists(q.path(mess(fresh))));
        assertTrue(Files.exists(q.path(mess(kept))));
        assertEquals(0, q.fsck().exit());
    }

    @Test
    void anOldMessageThatMayStillBeDeliveredIsNeverRemoved() throws Exception {
        long n = inject("a@example.net");
        q.process(n, "s", "a@example.net");
        TestQueue.age(q.path(mess(n)), 40 * DAY);
        long b = inject("b@example.net");
        Files.delete(q.layout.todo(b));
        Files.delete(q.layout.intd(b));
        q.write("bounce/" + b, "bounce text".getBytes(StandardCharsets.US_ASCII));
        TestQueue.age(q.path(mess(b)), 40 * DAY);
        TestQueue.Run r = q.fsck("--repair");
        assertEquals(0, r.exit(), r.out());
        assertTrue(Files.exists(q.path(mess(n))));
        assertTrue(Files.exists(q.path(mess(b))));
    }

    @Test
    void aMissingTriggerIsMadeAgainAsAFifo() throws Exception {
        Files.delete(q.path("lock/trigger"));
        assertLines(q.fsck(), "lock/trigger: missing FIFO");
        TestQueue.Run r = q.fsck("--repair");
        assertLines(r, "lock/trigger: missing FIFO; repaired: created, 0622");
        assertEquals(0, r.exit());
        assertTrue(FileState.of(q.path("lock/trigger")).isFifo());
        assertEquals(0, q.fsck().exit());
    }

    @Test
    void missingDirectoriesAndLockFilesAreMade() throws Exception {
        Files.delete(q.path("remote/7"));
        Files.delete(q.path("lock/sendmutex"));
        Files.delete(q.path("lock/tcpto"));
        assertLines(q.fsck(), "remote/7: missing directory", "lock/tcpto: missing file", "lock/sendmutex: missing file");
        assertEquals(0, q.fsck("--repair").exit());
        assertEquals(1024, Files.size(q.path("lock/tcpto")));
        assertEquals(0, q.fsck().exit());
    }

    @Test
    void aFileWhereADirectoryBelongsIsNotTouched() throws Exception {
        Files.delete(q.path("info/3"));
        Files.writeString(q.path("info/3"), "precious");
        TestQueue.Run r = q.fsck("--repair");
        assertEquals(1, r.exit(), r.err());
        assertLines(r, "info/3: a file, not directory; not repaired: move it away by hand");
        assertEquals("precious", Files.readString(q.path("info/3")));
    }

    @Test
    void strayNamesSymlinksAndForeignInodes() throws Exception {
        long n = inject("a@example.net");
        Files.writeString(q.path("mess/3/notanumber"), "x");
        Files.writeString(q.path("todo/0123"), "x");
        Files.createSymbolicLink(q.path("todo/99"), Path.of("/etc/passwd"));
        Files.createDirectory(q.path("mess/extra"));
        // A copy has a new inode: the number no longer names it (as after cp without -a across file systems).
        long m = inject("b@example.net");
        Path copy = q.path(mess(m) + ".tmp");
        Files.copy(q.path(mess(m)), copy);
        Files.delete(q.path(mess(m)));
        Files.move(copy, q.path(mess(m)));
        long ino = (Long) Files.getAttribute(q.path(mess(m)), "unix:ino");
        TestQueue.Run r = q.fsck("--repair");
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.contains("mess/3/notanumber: stray entry in mess/ (a file, name not a message number)"), r.out());
        assertTrue(lines.contains("todo/0123: stray entry in todo/ (a file, name not a message number)"), r.out());
        assertTrue(lines.contains("todo/99: a symlink where a message file should be"), r.out());
        assertTrue(lines.contains("mess/extra: stray entry in mess/ (a directory)"), r.out());
        assertTrue(lines.contains(mess(m) + ": inode " + ino + ", not " + m + " (a queue copied between file systems?); not repaired"), r.out());
        assertEquals(1, r.exit());
        assertTrue(Files.exists(q.path("mess/3/notanumber")), "strays are never removed");
        assertTrue(n > 0);
    }

    @Test
    void aHostileFileNameCannotForgeALine() throws Exception {
        Files.writeString(q.path("todo/1\nqmail-fsck: 0 messages"), "x");
        TestQueue.Run r = q.fsck();
        assertTrue(r.out().startsWith("todo/1\\012qmail-fsck: 0 messages: stray entry"), r.out());
        assertEquals(2, r.out().lines().count());
    }

    @Test
    void tenThousandMessages() throws Exception {
        List<Long> all = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) all.add(Fabricate.message(q.layout, i));
        long t0 = System.nanoTime();
        TestQueue.Run r = q.fsck();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, r.exit(), r.out());
        assertEquals("qmail-fsck: 10000 messages, 0 problems, 0 repaired\n", r.out());
        assertTrue(ms < 60_000, ms + " ms");
        long a = all.get(17), b = all.get(5000), c = all.get(9999);
        Files.delete(q.path(mess(a)));
        Files.write(q.layout.todo(b), "garbage".getBytes(StandardCharsets.US_ASCII));
        Files.move(q.path(mess(c)), q.path("mess/" + ((QueueLayout.split(c) + 1) % 23) + "/" + c));
        r = q.fsck();
        assertEquals(1, r.exit());
        assertEquals(4, r.out().lines().count(), r.out());
        assertTrue(r.out().endsWith("qmail-fsck: 9999 messages, 3 problems, 0 repaired\n"), r.out());
    }
}
