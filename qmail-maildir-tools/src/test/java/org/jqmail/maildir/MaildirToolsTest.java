package org.jqmail.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaildirToolsTest {
    @TempDir
    Path tmp;

    @Test
    void maildirmakeMakesThreeSubdirectoriesMode700() throws Exception {
        Path md = tmp.resolve("Maildir");
        MaildirMake.make(md);
        for (String d : new String[] {"", "tmp", "new", "cur"}) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(md.resolve(d))));
        }
        Fatal f = assertThrows(Fatal.class, () -> MaildirMake.make(md));
        assertEquals(111, f.exitCode);
        assertEquals("unable to mkdir " + md + ": file already exists", f.getMessage());
        assertEquals(111, assertThrows(Fatal.class, () -> MaildirMake.make(tmp.resolve("no/such"))).exitCode);
    }

    private Path message(Path md, String name, String text, long mtime) throws Exception {
        Path p = md.resolve(name);
        Files.writeString(p, text, StandardCharsets.ISO_8859_1);
        Files.setLastModifiedTime(p, FileTime.fromMillis(mtime * 1000));
        return p;
    }

    private int run(Map<String, String> env, ByteArrayOutputStream err) {
        return Maildir2Mbox.run(env, new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void maildir2mboxAppendsOldestFirstQuotesFromAndRemoves() throws Exception {
        Path md = tmp.resolve("Maildir");
        MaildirMake.make(md);
        Path mbox = tmp.resolve("mbox");
        Files.writeString(mbox, "From old Thu Jan 01 00:00:00 1970\nold\n\n");
        Path a = message(md, "new/2.x", "Return-Path: <a b@c>\nSubject: two\n\nFrom here\n>From there\nend", 86400 * 2);
        Path b = message(md, "cur/1.x:2,S", "Return-Path: <>\n\nbounce\n", 86400);
        Path c = message(md, "new/3.x", "Subject: none\n\nx\n", 86400 * 3);
        message(md, "new/.hidden", "skip\n", 0);
        Path stale = message(md, "tmp/stale", "x", 0);
        Files.setAttribute(stale, "lastAccessTime", FileTime.fromMillis(0));
        Map<String, String> env = new HashMap<>(Map.of("MAILDIR", md.toString(), "MAIL", mbox.toString(),
            "MAILTMP", tmp.resolve("mbox.tmp").toString()));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(env, err), err.toString());
        assertEquals("From old Thu Jan 01 00:00:00 1970\nold\n\n"
            + "From MAILER-DAEMON Fri Jan 02 00:00:00 1970\nReturn-Path: <>\n\nbounce\n\n"
            + "From a-b@c Sat Jan 03 00:00:00 1970\nReturn-Path: <a b@c>\nSubject: two\n\n>From here\n>>From there\nend\n\n"
            + "From XXX Sun Jan 04 00:00:00 1970\nSubject: none\n\nx\n\n", Files.readString(mbox));
        assertFalse(Files.exists(a) || Files.exists(b) || Files.exists(c) || Files.exists(stale));
        assertTrue(Files.exists(md.resolve("new/.hidden")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(mbox)));
        assertEquals(0, run(env, err), "nothing new: nothing to do");
    }

    @Test
    void maildir2mboxFailures() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(111, run(Map.of("MAIL", "x", "MAILTMP", "y"), err));
        assertEquals("maildir2mbox: fatal: MAILDIR not set\n", err.toString());
        err.reset();
        assertEquals(111, run(Map.of("MAILDIR", "x", "MAILTMP", "y"), err));
        assertEquals("maildir2mbox: fatal: MAIL not set\n", err.toString());
        Path md = tmp.resolve("Maildir");
        MaildirMake.make(md);
        Path m = message(md, "new/1.x", "x\n", 1000);
        err.reset();
        Map<String, String> env = Map.of("MAILDIR", md.toString(), "MAIL", tmp.resolve("mbox").toString(),
            "MAILTMP", tmp.resolve("no/such/dir/tmp").toString());
        assertEquals(111, run(env, err));
        assertTrue(err.toString().startsWith("maildir2mbox: fatal: unable to create "), err.toString());
        assertTrue(Files.exists(m), "the message stays when the mbox could not be written");
        err.reset();
        assertEquals(111, run(Map.of("MAILDIR", tmp.resolve("none").toString(), "MAIL", "m", "MAILTMP", "t"), err));
    }

    @Test
    void ctimeIsQmailsMyctime() {
        assertEquals("Thu Jan 01 00:00:00 1970\n", MboxMerge.ctime(0));
        assertEquals("Sat Nov 20 17:46:39 2286\n", MboxMerge.ctime(9_999_999_999L));
    }
}
