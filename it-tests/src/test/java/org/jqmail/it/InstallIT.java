package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ./setup as a new administrator meets it: the tree, owners, modes, the one setuid file, idempotence. */
@ExtendWith(InstalledRoot.class)
class InstallIT {
    private static String snapshot(Path root) throws Exception {
        // Everything that matters of every file: path, owner, group, mode, size, mtime.
        return Proc.run(null, "find", root.toString(), "-printf", "%p %u %g %m %s %T@\\n").out();
    }

    @Test
    void secondRunChangesNothing() throws Exception {
        Path root = InstalledRoot.root();
        String before = snapshot(root);
        Proc.Result again = InstalledRoot.install(root);
        assertEquals(0, again.exit(), again.out() + again.err());
        assertEquals(before, snapshot(root));
    }

    @Test
    void qmailQueueIsTheOnlySetuidFile() throws Exception {
        Path root = InstalledRoot.root();
        String found = Proc.run(null, "find", root.toString(), "-perm", "-4000").out();
        assertEquals(root.resolve("bin/qmail-queue") + "\n", found);
        assertEquals("qmailq qmail 4711\n",
            Proc.run(null, "stat", "-c", "%U %G %a", root.resolve("bin/qmail-queue").toString()).out());
        assertEquals("", Proc.run(null, "find", root.toString(), "-perm", "-2000", "-type", "f").out());
    }

    @Test
    void queueHasQmailsOwnersAndModes() throws Exception {
        Path root = InstalledRoot.root();
        String[][] expected = {
            {"queue", "qmailq qmail 750"}, {"queue/pid", "qmailq qmail 700"},
            {"queue/intd", "qmailq qmail 700"}, {"queue/todo", "qmailq qmail 750"},
            {"queue/mess", "qmailq qmail 750"}, {"queue/mess/22", "qmailq qmail 750"},
            {"queue/info/0", "qmails qmail 700"}, {"queue/local/7", "qmails qmail 700"},
            {"queue/remote/22", "qmails qmail 700"}, {"queue/bounce", "qmails qmail 700"},
            {"queue/lock", "qmailq qmail 750"}, {"queue/lock/trigger", "qmails qmail 622"},
            {"queue/lock/sendmutex", "qmails qmail 600"}, {"queue/lock/tcpto", "qmailr qmail 644"},
            {"alias", "alias qmail 2755"}, {"control", "root qmail 755"}, {"bin", "root qmail 755"},
        };
        for (String[] e : expected) {
            assertEquals(e[1] + "\n", Proc.run(null, "stat", "-c", "%U %G %a", root.resolve(e[0]).toString()).out(), e[0]);
        }
        assertTrue(Files.notExists(root.resolve("queue/mess/23")));
        assertEquals("fifo\n", Proc.run(null, "stat", "-c", "%F", root.resolve("queue/lock/trigger").toString()).out());
        assertEquals(1024, Files.size(root.resolve("queue/lock/tcpto")));
    }

    /**
     * On ext4 the queue's directories are spread over block groups (chattr +T on queue/ and the split
     * parents, docs/DECISIONS.md): without it every queue file's inode came from one group, whose
     * recently freed inodes each new file had to walk. Elsewhere (tmpfs, XFS) there is no such flag.
     */
    @Test
    void queueDirectoriesAreSpreadOverBlockGroupsOnExt4() throws Exception {
        Path root = InstalledRoot.root();
        String fs = Proc.run(null, "stat", "-f", "-c", "%T", root.resolve("queue").toString()).out().trim();
        org.junit.jupiter.api.Assumptions.assumeTrue(fs.equals("ext2/ext3"), "not ext4 but " + fs);
        for (String d : new String[] {"queue", "queue/mess", "queue/info", "queue/local", "queue/remote"}) {
            String attrs = Proc.run(null, "lsattr", "-d", root.resolve(d).toString()).out();
            assertTrue(attrs.split(" ")[0].contains("T"), d + ": " + attrs);
        }
        // and the split directories did land far apart: made one after another without the flag, their
        // inode numbers were within a few thousand of each other (one group holds 8,192 by default)
        long min = Long.MAX_VALUE, max = 0;
        for (int i = 0; i < 23; i++) {
            long ino = (Long) Files.getAttribute(root.resolve("queue/info/" + i), "unix:ino");
            min = Math.min(min, ino);
            max = Math.max(max, ino);
        }
        assertTrue(max - min > 8 * 8192, "queue/info/* inodes only " + min + ".." + max);
    }

    @Test
    void controlFilesFollowConfigFast() throws Exception {
        Path c = InstalledRoot.root().resolve("control");
        assertEquals("it.example.test\n", Files.readString(c.resolve("me")));
        assertEquals("example.test\n", Files.readString(c.resolve("defaultdomain")));
        assertEquals("example.test\n", Files.readString(c.resolve("plusdomain")));
        assertEquals("it.example.test\n", Files.readString(c.resolve("locals")));
        assertEquals("it.example.test\n", Files.readString(c.resolve("rcpthosts")));
        assertEquals("./Maildir/\n", Files.readString(c.resolve("defaultdelivery")));
    }

    @Test
    void qmailUsersExist() throws Exception {
        for (String u : new String[] {"alias", "qmaild", "qmaill", "qmailp", "qmailq", "qmailr", "qmails"}) {
            assertEquals(0, Proc.run(null, "getent", "passwd", u).exit(), u);
        }
        assertEquals("qmail\n", Proc.run(null, "id", "-gn", "qmailq").out());
        assertEquals("nofiles\n", Proc.run(null, "id", "-gn", "qmaild").out());
    }
}
