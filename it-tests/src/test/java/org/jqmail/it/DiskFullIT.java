package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk under the queue and under a mailbox, with real tmpfs mounts (root only). QueueFaultsIT
 * already shows that a message or envelope bigger than the free space gives exit 53 and leaves nothing
 * in an empty queue; this adds what it does not cover:
 * <ul>
 * <li>a full queue that already holds a message: exit 53, the queued message byte for byte intact, and
 *     qmail-fsck (the queue checker) finds the queue clean afterwards;
 * <li>no inode left (tmpfs nr_inodes) at each step of an injection: 63 (pid file), 64 (mess link),
 *     66 (todo link, the commit), and nothing left behind each time;
 * <li>qmail-local into a Maildir on a full file system: exit 111, nothing in new/, tmp/ cleaned;
 * <li>qmail-local appending to an mbox on a full file system: exit 111, the mbox back at its old size
 *     with its old bytes.
 * </ul>
 * Every mount is undone in a finally block and, should that fail, again in {@link #unmountAll}.
 */
@ExtendWith(InstalledRoot.class)
class DiskFullIT {
    static final int UID = 64124;
    static final List<Path> MOUNTS = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterAll
    static void unmountAll() throws Exception {
        for (Path p : List.copyOf(MOUNTS)) unmount(p);
    }

    private static void mount(Path dir, String options) throws Exception {
        Proc.Result r = Proc.run(null, "mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString());
        assertEquals(0, r.exit(), "tmpfs mount (needs root): " + r.err());
        MOUNTS.add(dir);
    }

    private static void unmount(Path dir) throws Exception {
        if (!MOUNTS.contains(dir)) return;
        Proc.Result r = Proc.run(null, "umount", dir.toString());
        if (r.exit() == 0) MOUNTS.remove(dir);
        else throw new AssertionError("umount " + dir + ": " + r.err());
    }

    private static void sh(String script, String... args) throws Exception {
        Proc.Result r = Proc.sh(script, args);
        assertEquals(0, r.exit(), script + ": " + r.err());
    }

    private Path file(String name, byte[] content) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, content);
        p.toFile().setReadable(true, false);
        tmp.toFile().setExecutable(true, false);
        return p;
    }

    private static byte[] message(int bodyBytes) {
        byte[] body = "x".repeat(bodyBytes).getBytes(StandardCharsets.US_ASCII);
        byte[] head = "Subject: full\n\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length + 1];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        all[all.length - 1] = '\n';
        return all;
    }

    /** The queue holds exactly {@code todo} (and their intd and mess files), nothing else. */
    private static void assertNothingNew(QueueFiles q, Set<String> todo) throws Exception {
        assertEquals(todo, q.todo(), "todo");
        assertEquals(todo, q.intd(), "intd (qmail-send is not running, so each todo/N still has its intd/N)");
        Set<String> mess = new java.util.TreeSet<>();
        for (String n : todo) mess.add(Long.parseLong(n) % 23 + "/" + n);
        assertEquals(mess, q.mess(), "mess");
        assertEquals(Set.of(), q.pid(), "pid");
    }

    /** A fresh queue tree (install/hier.sh's make_tree) on a tmpfs mounted over ROOT/queue. */
    private static void queueOnTmpfs(Path root, String options) throws Exception {
        mount(root.resolve("queue"), options + ",mode=0750");
        // hier.sh is bash (for ((...))), not sh.
        Proc.Result r = Proc.run(null, "bash", "-c", ". \"$1/install/hier.sh\" && make_tree \"$2\"", "bash",
            InstalledRoot.source().toString(), root.toString());
        assertEquals(0, r.exit(), "make_tree: " + r.err());
    }

    @Test
    void aFullQueueKeepsWhatItHeldAndQmailFsckFindsItClean() throws Exception {
        Path root = InstalledRoot.root();
        queueOnTmpfs(root, "size=2m");
        try {
            QueueFiles q = new QueueFiles(root);
            Path env = file("env", "Fme@example.org\0Tyou@example.net\0\0".getBytes(StandardCharsets.ISO_8859_1));
            Proc.Result r = QueueInjectionIT.inject("nobody", file("small", message(100_000)), env);
            assertEquals(0, r.exit(), r.err());
            Set<String> todo = q.todo();
            assertEquals(1, todo.size());
            String n = todo.iterator().next();
            byte[] queued = Files.readAllBytes(q.messOf(n));
            byte[] intd = Files.readAllBytes(q.todoOf(n));

            r = QueueInjectionIT.inject("nobody", file("big", message(3 * 1024 * 1024)), env);
            assertEquals(53, r.exit(), r.err());
            assertNothingNew(q, todo);
            assertArrayEquals(queued, Files.readAllBytes(q.messOf(n)), "the message already queued is untouched");
            assertArrayEquals(intd, Files.readAllBytes(q.todoOf(n)));

            // The queue checker agrees: the failed injection left no partial state at all.
            Proc.Result fsck = Proc.run(null, root.resolve("bin/qmail-fsck").toString());
            assertEquals(0, fsck.exit(), fsck.out() + fsck.err());
            assertEquals("qmail-fsck: 1 messages, 0 problems, 0 repaired\n", fsck.out());
        } finally {
            unmount(root.resolve("queue"));
        }
    }

    /**
     * No inode to spare at each step of an injection in turn. tmpfs counts every directory entry against
     * nr_inodes, a hard link too (shmem_link reserves one; unlinking a second name gives it back), so the
     * free inodes decide which step fails: none, the pid file (63); one, the link to mess/S/N (64); two,
     * the commit link todo/N after intd/N was made (66); three, queued. Every failure leaves nothing.
     */
    @Test
    void runningOutOfInodesAtEachStepLeavesNothing() throws Exception {
        Path root = InstalledRoot.root();
        Path queue = root.resolve("queue");
        queueOnTmpfs(root, "size=4m");
        try {
            QueueFiles q = new QueueFiles(root);
            Path env = file("env", "Fme@example.org\0Tyou@example.net\0\0".getBytes(StandardCharsets.ISO_8859_1));
            Path small = file("small", message(1000));
            long used = usedInodes(queue);
            int[] expected = {63, 64, 66, 0};
            for (int spare = 0; spare < expected.length; spare++) {
                sh("mount -o remount,nr_inodes=" + (used + spare) + " \"$1\"", queue.toString());
                Proc.Result r = QueueInjectionIT.inject("nobody", small, env);
                assertEquals(expected[spare], r.exit(), spare + " spare inodes: " + r.err());
                if (expected[spare] != 0) assertNothingNew(q, Set.of());
            }
            assertEquals(1, q.todo().size());
            Proc.Result fsck = Proc.run(null, root.resolve("bin/qmail-fsck").toString());
            assertEquals("qmail-fsck: 1 messages, 0 problems, 0 repaired\n", fsck.out(), fsck.err());
        } finally {
            unmount(queue);
        }
    }

    private static long usedInodes(Path fs) throws Exception {
        Proc.Result r = Proc.run(null, "stat", "-f", "-c", "%c %d", fs.toString());
        assertEquals(0, r.exit(), r.err());
        String[] f = r.out().strip().split(" ");
        return Long.parseLong(f[0]) - Long.parseLong(f[1]);
    }

    /** A home directory for the test uid, qmail-local's way: owned by it, not group/world writable. */
    private Path home() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        sh("chmod 755 \"$1\" && chown " + UID + ":" + UID + " \"$2\" && chmod 700 \"$2\"", tmp.toString(), home.toString());
        return home;
    }

    /** qmail-local as the test uid, the message on fd 0 from a file. */
    private Proc.Result qmailLocal(Path message, Path home, String local, String dash, String ext) throws Exception {
        return Proc.sh("exec setpriv --reuid=" + UID + " --regid=" + UID + " --clear-groups -- \"$1\" -- jq \"$2\" \"$3\" \"$4\" \"$5\""
                + " it.example.test sender@example.org ./Maildir/ <\"$6\"",
            InstalledRoot.root().resolve("bin/qmail-local").toString(), home.toString(), local, dash, ext, message.toString());
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aMaildirOnAFullDiskIsExit111WithNothingInNewAndTmpCleaned() throws Exception {
        Path home = home();
        Path maildir = home.resolve("Maildir");
        Files.createDirectory(maildir);
        mount(maildir, "size=64k,mode=0700,uid=" + UID + ",gid=" + UID);
        try {
            sh("setpriv --reuid=" + UID + " --regid=" + UID + " --clear-groups -- mkdir \"$1/new\" \"$1/cur\" \"$1/tmp\"",
                maildir.toString());
            Path big = file("big", message(512 * 1024));
            Proc.Result r = qmailLocal(big, home, "jq", "", "");
            assertEquals(111, r.exit(), r.out() + r.err());
            assertEquals("Temporary error on maildir delivery. (#4.3.0)\n", r.err());
            assertEquals(List.of(), names(maildir.resolve("new")), "nothing delivered");
            assertEquals(List.of(), names(maildir.resolve("tmp")), "the partial file is removed");

            // With room again (a small message), the same Maildir works.
            r = qmailLocal(file("small", message(1000)), home, "jq", "", "");
            assertEquals(0, r.exit(), r.err());
            assertEquals(1, names(maildir.resolve("new")).size());
            assertEquals(List.of(), names(maildir.resolve("tmp")));
        } finally {
            unmount(maildir);
        }
    }

    @Test
    void anMboxOnAFullDiskIsExit111AndTruncatedBackToItsOldSize() throws Exception {
        Path home = home();
        Path boxdir = home.resolve("boxes");
        Files.createDirectory(boxdir);
        mount(boxdir, "size=64k,mode=0700,uid=" + UID + ",gid=" + UID);
        try {
            Path dotQmail = home.resolve(".qmail-box");
            Files.writeString(dotQmail, "./boxes/Mailbox\n");
            sh("chown " + UID + ":" + UID + " \"$1\" && chmod 644 \"$1\"", dotQmail.toString());
            // An mbox that already holds one message.
            Path mbox = boxdir.resolve("Mailbox");
            byte[] old = ("From old@example.org Tue Dec  1 00:00:00 2026\nSubject: old\n\n" + "o".repeat(20_000) + "\n\n")
                .getBytes(StandardCharsets.US_ASCII);
            Files.write(mbox, old);
            sh("chown " + UID + ":" + UID + " \"$1\" && chmod 600 \"$1\"", mbox.toString());

            Proc.Result r = qmailLocal(file("big", message(512 * 1024)), home, "jq-box", "-", "box");
            assertEquals(111, r.exit(), r.out() + r.err());
            assertTrue(r.err().startsWith("Unable to write ./boxes/Mailbox: "), r.err());
            assertTrue(r.err().endsWith(". (#4.3.0)\n"), r.err());
            assertArrayEquals(old, Files.readAllBytes(mbox), "truncated back: the old mail, no partial message");
        } finally {
            unmount(boxdir);
        }
    }
}
