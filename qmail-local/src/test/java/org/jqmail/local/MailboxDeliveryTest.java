package org.jqmail.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MailboxDeliveryTest extends Fixture {
    private static final String ADDED = "Return-Path: <alice@example.net>\nDelivered-To: joe@example.com\n";
    private static final String FROM_LINE = "From alice@example.net Tue Nov 14 22:13:20 2023\n";

    @Test
    void maildirByteExact() throws IOException {
        Path md = maildir("Maildir");
        dot(".qmail", "./Maildir/\n");
        assertEquals(Result.success("did 1+0+0\n"), run("", ""));
        List<Path> delivered = list(md.resolve("new"));
        assertEquals(1, delivered.size());
        assertEquals(ADDED + MESSAGE, read(delivered.get(0)));
        assertEquals(List.of(), list(md.resolve("tmp")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(delivered.get(0))));
        String name = delivered.get(0).getFileName().toString();
        assertTrue(name.matches("[0-9]+\\.M[0-9]{1,6}P" + ProcessHandle.current().pid() + "\\.[^/:]+"), name);
    }

    @Test
    void maildirTwiceGivesTwoFiles() throws IOException {
        Path md = maildir("Maildir");
        dot(".qmail", "./Maildir/\n./Maildir/\n");
        assertEquals(Result.success("did 2+0+0\n"), run("", ""));
        assertEquals(2, list(md.resolve("new")).size());
    }

    @Test
    void maildirAsDefaultDeliveryAndAbsolutePath() throws IOException {
        Path md = maildir("Maildir");
        assertEquals(Result.success("did 1+0+0\n"), run("", "", md + "/"));
        assertEquals(ADDED + MESSAGE, read(list(md.resolve("new")).get(0)));
    }

    @Test
    void messageWithoutFinalNewlineAndBinaryBytesAreKeptAsIs() throws IOException {
        Path md = maildir("Maildir");
        String msg = "Subject: x\n\n\0\u00ff\r\nno newline";
        message(msg);
        dot(".qmail", "./Maildir/\n");
        assertEquals(Result.success("did 1+0+0\n"), run("", ""));
        assertEquals(ADDED + msg, read(list(md.resolve("new")).get(0)));
    }

    @Test
    void tenThousandHeaderLines() throws IOException {
        Path md = maildir("Maildir");
        String msg = "Received: from a by b\n".repeat(10_000) + "\nbody\n";
        message(msg);
        dot(".qmail", "./Maildir/\n");
        assertEquals(Result.success("did 1+0+0\n"), run("", ""));
        assertEquals(ADDED + msg, read(list(md.resolve("new")).get(0)));
    }

    @Test
    void missingMaildirIsTemporary() throws IOException {
        dot(".qmail", "./Maildir/\n");
        assertEquals(Result.temporary("Unable to chdir to maildir. (#4.2.1)"), run("", ""));
        Files.writeString(home.resolve("Maildir"), "a file");
        assertEquals(Result.temporary("Unable to chdir to maildir. (#4.2.1)"), run("", ""));
    }

    @Test
    void brokenMaildirLeavesNothingInNew() throws IOException {
        Path md = maildir("Maildir");
        Files.delete(md.resolve("tmp"));
        dot(".qmail", "./Maildir/\n");
        assertEquals(Result.temporary("Temporary error on maildir delivery. (#4.3.0)"), run("", ""));
        assertEquals(List.of(), list(md.resolve("new")));

        // new/ missing: the tmp file must not stay behind either
        Files.createDirectory(md.resolve("tmp"));
        Files.delete(md.resolve("new"));
        assertEquals(Result.temporary("Temporary error on maildir delivery. (#4.3.0)"), run("", ""));
        assertEquals(List.of(), list(md.resolve("tmp")));
    }

    @Test
    void hostNamesAreEscaped() {
        assertEquals("a\\057b\\072c", Maildir.escapeHost("a/b:c"));
        assertEquals("a_b", Maildir.escapeHost("a\nb"));
        assertFalse(Maildir.escapedHostname().isEmpty());
    }

    @Test
    void mboxByteExactTwoDeliveries() throws IOException {
        dot(".qmail", "./Mailbox\n");
        message("Subject: x\n\nFrom me\n>From you\n>>From\nend");
        assertEquals(Result.success("did 1+0+0\n"), run("", ""));
        String one = FROM_LINE + ADDED + "Subject: x\n\n>From me\n>>From you\n>>From\nend\n\n";
        assertEquals(one, read(home.resolve("Mailbox")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("Mailbox"))));

        message(MESSAGE);
        sender = "";
        assertEquals(Result.success("did 1+0+0\n"), run("", ""));
        String two = "From MAILER-DAEMON Tue Nov 14 22:13:20 2023\nReturn-Path: <>\nDelivered-To: joe@example.com\n"
            + "Subject: hi\nFrom: alice@example.net\n\n>From here on\nbody\n\n";
        assertEquals(one + two, read(home.resolve("Mailbox")));
    }

    @Test
    void mboxIsTheDefaultDelivery() throws IOException {
        assertEquals(Result.success("did 1+0+0\n"), run("", ""));
        assertTrue(read(home.resolve("Mailbox")).startsWith(FROM_LINE + ADDED + "Subject: hi\n"));
    }

    @Test
    void emptyMessageInMbox() throws IOException {
        message("");
        dot(".qmail", "./Mailbox\n");
        assertEquals(Result.success("did 1+0+0\n"), run("", ""));
        assertEquals(FROM_LINE + ADDED + "\n", read(home.resolve("Mailbox")));
    }

    @Test
    void mboxLockedByAnotherProcessIsTemporaryAfterABoundedWait() throws Exception {
        Path mbox = home.resolve("Mailbox");
        Files.writeString(mbox, "old\n");
        dot(".qmail", "./Mailbox\n");
        settings = new Delivery.Settings(60, 300, OutputBudget.DEFAULT_LIMIT);
        Path classes = Path.of(LockHolder.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", classes.toString(), LockHolder.class.getName(), mbox.toString())
            .redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("locked", r.readLine());
            assertEquals(Result.temporary("File has been locked for 1 seconds straight. (#4.3.0)"), run("", ""));
            assertEquals("old\n", read(mbox));
        } finally {
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(Result.success("did 1+0+0\n"), run("", ""));
        assertTrue(read(mbox).startsWith("old\n" + FROM_LINE));
    }

    @Test
    void mboxWriteErrorIsTemporary() throws IOException {
        Files.createSymbolicLink(home.resolve("full"), Path.of("/dev/full"));
        dot(".qmail", "./full\n");
        assertEquals(Result.temporary("Unable to write ./full: out of disk space. (#4.3.0)"), run("", ""));
        Files.delete(home.resolve("full"));
    }

    @Test
    void mboxThatCannotBeOpenedIsTemporary() throws IOException {
        Files.createDirectory(home.resolve("dir"));
        dot(".qmail", "./dir\n");
        assertEquals(Result.temporary("Unable to open ./dir: is a directory. (#4.2.1)"), run("", ""));
        dot(".qmail", "./nodir/Mailbox\n");
        assertEquals(Result.temporary("Unable to open ./nodir/Mailbox: file does not exist. (#4.2.1)"), run("", ""));
        dot(".qmail", "./" + "x".repeat(100_000) + "\n");
        Result r = run("", "");
        assertEquals(Result.Kind.TEMPORARY, r.kind());
        assertTrue(r.text().startsWith("Unable to open ./xxx"), r.text());
        assertTrue(r.text().length() < 300, "file names in reports are cut");
    }

    @Test
    void failedMboxDeliveryIsTruncatedBack() throws IOException {
        Path mbox = home.resolve("Mailbox");
        Files.writeString(mbox, "old\n");
        // a sender longer than the write buffer, so bytes reach the file before the failure
        AddedLines lines = AddedLines.of("joe", "example.com", "x".repeat(100_000) + "@h", NOW);
        Path notAMessage = Files.createDirectory(tmp.resolve("dir")); // reading it fails: EISDIR
        try (Message m = Message.open(notAMessage)) {
            Failure f = assertThrows(Failure.class, () -> Mbox.deliver(home, "./Mailbox", m, lines, 1000));
            assertEquals(Result.temporary("Unable to read message: is a directory. (#4.3.0)"), f.result());
        }
        assertEquals("old\n", read(mbox));
    }

    @Test
    void failedMaildirDeliveryLeavesNoFiles() throws IOException {
        Path md = maildir("Maildir");
        AddedLines lines = AddedLines.of("joe", "example.com", "a@b", NOW);
        Path notAMessage = Files.createDirectory(tmp.resolve("dir"));
        try (Message m = Message.open(notAMessage)) {
            Failure f = assertThrows(Failure.class, () -> Maildir.deliver(home, "./Maildir/", m, lines, new Self(1, 0)));
            assertEquals(Result.temporary("Unable to read message: is a directory. (#4.3.0)"), f.result());
        }
        assertEquals(List.of(), list(md.resolve("tmp")));
        assertEquals(List.of(), list(md.resolve("new")));
    }
}
