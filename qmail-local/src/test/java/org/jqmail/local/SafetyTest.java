package org.jqmail.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** The checks qmail-local makes before it follows any instruction. */
class SafetyTest extends Fixture {
    private static final Result LOOP =
        Result.permanent("This message is looping: it already has my Delivered-To line. (#5.4.6)");

    @Test
    void messageWithOurDeliveredToLineIsLooping() throws IOException {
        message("Received: x\nDelivered-To: joe@example.com\nSubject: y\n\nbody\n");
        dot(".qmail", "./Mailbox\n|touch ran\n");
        assertEquals(LOOP, run("", ""));
        assertFalse(Files.exists(home.resolve("Mailbox")));
        assertFalse(Files.exists(home.resolve("ran")));
    }

    @Test
    void deliveredToForAnotherAddressIsFine() throws IOException {
        message("Delivered-To: joe-list@example.com\nDelivered-To: JOE@example.com\n\n"
            + "Delivered-To: joe@example.com\n");
        assertEquals(Result.success("did 1+0+0\n"), run("", ""));
        // the extension address sees its own line and loops
        dot(".qmail-list", "./Mailbox\n");
        assertEquals(LOOP, run("-", "list"));
    }

    @Test
    void stickyHomeMeansTheUserIsEditing() throws IOException {
        Files.setAttribute(home, "unix:mode", 01700);
        assertEquals(Result.temporary("Home directory is sticky: user is editing his .qmail file. (#4.2.1)"),
            run("", ""));
        assertFalse(Files.exists(home.resolve("Mailbox")));
        deliver = false;
        assertEquals(Result.success("did 1+0+0\n"), run("", ""));
        assertEquals("Warning: home directory is sticky.\n", err());
    }

    @Test
    void writableHomeIsRefused() throws IOException {
        for (String mode : new String[] {"rwxrwx---", "rwx---rwx", "rwxrwxrwx"}) {
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString(mode));
            assertEquals(Result.temporary("Uh-oh: home directory is writable. (#4.7.0)"), run("", ""), mode);
        }
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(Result.success("did 1+0+0\n"), run("", ""));
    }

    @Test
    void missingHomeIsTemporary() throws IOException {
        Path gone = tmp.resolve("gone");
        Arguments a = new Arguments(true, "joe", gone.toString(), "joe", "", "", "example.com", "s", "./Mailbox");
        try (Message m = Message.open(messageFile)) {
            assertEquals(Result.temporary("Unable to switch to " + gone + ": file does not exist. (#4.3.0)"),
                new Delivery(a, m, forwarder, settings, self, out, err, NOW).run());
        }
        Path file = Files.writeString(tmp.resolve("file"), "");
        a = new Arguments(true, "joe", file.toString(), "joe", "", "", "example.com", "s", "./Mailbox");
        try (Message m = Message.open(messageFile)) {
            assertEquals(Result.temporary("Unable to switch to " + file + ": not a directory. (#4.3.0)"),
                new Delivery(a, m, forwarder, settings, self, out, err, NOW).run());
        }
    }

    @Test
    void groupOrWorldWritableDotQmailIsRefused() throws IOException {
        for (String mode : new String[] {"rw-rw----", "rw----rw-", "rw-rw-rw-"}) {
            Path q = dot(".qmail-x", "./Mailbox\n");
            Files.setPosixFilePermissions(q, PosixFilePermissions.fromString(mode));
            assertEquals(Result.temporary("Uh-oh: .qmail file is writable. (#4.7.0)"), run("-", "x"), mode);
        }
        // also when found as a default file, and before falling back to another one
        Files.delete(home.resolve(".qmail-x"));
        Path d = dot(".qmail-default", "./Mailbox\n");
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rw-rw-r--"));
        assertEquals(Result.temporary("Uh-oh: .qmail file is writable. (#4.7.0)"), run("-", "x"));
        assertFalse(Files.exists(home.resolve("Mailbox")));
    }

    @Test
    void dotQmailOwnedBySomeoneElseIsRefused() throws IOException {
        Path q = dot(".qmail-x", "./Mailbox\n");
        int owner = (Integer) Files.getAttribute(q, "unix:uid");
        if (owner == 0) {
            Files.setAttribute(q, "unix:uid", 54321); // we are root: give it away
        }
        self = new Self(self.pid(), 4242); // the delivering user is someone else than the owner
        assertEquals(Result.temporary("Uh-oh: .qmail file is owned by someone else. (#4.7.0)"), run("-", "x"));
    }

    @Test
    void rootOwnedDotQmailIsAllowed() throws IOException {
        Path q = dot(".qmail-x", "./Mailbox\n");
        if ((Integer) Files.getAttribute(q, "unix:uid") != 0) return; // only root can make one
        self = new Self(self.pid(), 4242);
        assertEquals(Result.success("did 1+0+0\n"), run("-", "x"));
    }

    @Test
    void unreadableDotQmailIsTemporary() throws IOException {
        Path q = dot(".qmail-x", "./Mailbox\n");
        Files.setPosixFilePermissions(q, PosixFilePermissions.fromString("---------"));
        if (Files.isReadable(q)) return; // root reads anything
        assertEquals(Result.temporary("Unable to open .qmail-x: access denied. (#4.3.0)"), run("-", "x"));
    }

    @Test
    void fileDeliveryIsRefusedInAForwardOnlyFile() throws IOException {
        Path q = dot(".qmail-x", "&a@example.org\n./Mailbox\n");
        Files.setPosixFilePermissions(q, PosixFilePermissions.fromString("rwx------"));
        assertEquals(Result.temporary("Uh-oh: .qmail has file delivery but has x bit set. (#4.7.0)"), run("-", "x"));
        dot(".qmail-x", "&a@example.org\n+list\n./Maildir/\n");
        assertEquals(Result.temporary("Uh-oh: .qmail has file delivery but has x bit set. (#4.7.0)"), run("-", "x"));
        assertTrue(forwarder.calls.isEmpty());
        // the default delivery is not subject to the x bit of an empty file
        Path empty = dot(".qmail-y", "");
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rwx------"));
        assertEquals(Result.success("did 1+0+0\n"), run("-", "y"));
    }

    @Test
    void blankFirstLine() throws IOException {
        dot(".qmail", "\n./Mailbox\n");
        assertEquals(Result.temporary("Uh-oh: first line of .qmail file is blank. (#4.2.1)"), run("", ""));
        dot(".qmail", "");
        assertEquals(Result.temporary("Uh-oh: first line of .qmail file is blank. (#4.2.1)"), run("", "", ""));
    }

    @Test
    void hostileDotQmail() throws IOException {
        String big = "x".repeat(100_000) + "@example.org";
        dot(".qmail", "#\0\n" + big + "\n:foo\n&a@b\0c@d\n\0\n+unknown\n");
        assertEquals(Result.success("did 0+3+0\nqp 4242\n"), run("", ""));
        assertEquals(java.util.List.of(big, ":foo", "a@b"), forwarder.calls.get(0).recipients());
    }

    @Test
    void tooBigDotQmailIsTemporary() throws IOException {
        Path q = home.resolve(".qmail");
        try (var ch = java.nio.channels.FileChannel.open(q, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {'#'}), DotQmail.MAX_BYTES); // sparse
        }
        Files.setPosixFilePermissions(q, PosixFilePermissions.fromString("rw-------"));
        assertEquals(Result.temporary("Uh-oh: .qmail file is too big. (#4.2.1)"), run("", ""));
    }
}
