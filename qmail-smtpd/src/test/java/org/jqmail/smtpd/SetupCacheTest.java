package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.jqmail.common.CdbWriter;
import org.jqmail.common.ControlFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * qmail-smtpd-server's kept controls: a connection sees what it would have read itself. The files are
 * written just before each test, so a clock {@link #LATER} than the racy window stands for "long after
 * the last change"; the real clock stands for "just after it".
 */
class SetupCacheTest {
    static final long LATER = 10_000;

    @TempDir
    Path tmp;
    Path control;
    Path bin;
    long offset = LATER; // the cache's clock: now + offset
    SetupCache cache;

    @BeforeEach
    void root() throws IOException {
        control = Files.createDirectories(tmp.resolve("control"));
        bin = Files.createDirectories(tmp.resolve("bin"));
        Files.writeString(control.resolve("me"), "mx.example\n");
        Files.writeString(control.resolve("rcpthosts"), "mx.example\n");
        cache = new SetupCache(new ControlFile(control), bin, () -> System.currentTimeMillis() + offset);
    }

    /** One connection's setup, released again (as Connection does at the session's end). */
    Setup once() throws Controls.Unreadable {
        Setup s = cache.open();
        s.release();
        return s;
    }

    Controls controls() throws Controls.Unreadable {
        Setup s = cache.open();
        try {
            return s.controls(Map.of());
        } finally {
            s.release();
        }
    }

    @Test
    void unchangedFilesGiveTheSameSetup() throws Exception {
        Setup first = once();
        assertSame(first, once());
        assertSame(first, cache.kept());
        assertFalse(first.released(), "kept: morercpthosts.cdb stays open for the next connection");
    }

    @Test
    void aFileRewrittenInPlaceIsReadAgainEvenWithItsOldSizeAndMtime() throws Exception {
        Path greeting = control.resolve("smtpgreeting");
        Files.writeString(greeting, "one.example\n");
        Setup first = once();
        assertEquals("one.example", controls().greeting());
        FileTime mtime = Files.getLastModifiedTime(greeting);
        FileTime ctime = (FileTime) Files.getAttribute(greeting, "unix:ctime");
        // same size, same mtime (as cp -p or touch -d would leave it): only the ctime tells, once the
        // kernel's coarse clock has ticked (within one tick nothing can tell: the racy window's job)
        do {
            Thread.sleep(5);
            Files.writeString(greeting, "two.example\n");
            Files.setLastModifiedTime(greeting, mtime);
        } while (Files.getAttribute(greeting, "unix:ctime").equals(ctime));
        assertNotSame(first, once());
        assertEquals("two.example", controls().greeting());
        assertTrue(first.released(), "the replaced setup was given back");
    }

    @Test
    void aFileReplacedByRenameIsReadAgain() throws Exception {
        Files.writeString(control.resolve("databytes"), "100\n");
        assertEquals(100, controls().databytes());
        Path fresh = tmp.resolve("databytes.new");
        Files.writeString(fresh, "200\n");
        Files.move(fresh, control.resolve("databytes"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertEquals(200, controls().databytes());
    }

    @Test
    void aFileCreatedOrRemovedIsSeenAtTheNextConnection() throws Exception {
        assertNull(controls().badmailfrom());
        Files.writeString(control.resolve("badmailfrom"), "@spam.example\n");
        assertTrue(controls().badmailfrom().contains("@spam.example"));
        Files.delete(control.resolve("badmailfrom"));
        assertNull(controls().badmailfrom());
        // and beyond the control directory: the checker that switches AUTH on
        assertNull(options(Map.of()).auth());
        Path checker = bin.resolve(Options.DEFAULT_CHECKER);
        Files.writeString(checker, "#!/bin/sh\nexit 1\n");
        assertNull(options(Map.of()).auth(), "not executable yet");
        Files.setPosixFilePermissions(checker, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertNotNull(options(Map.of()).auth());
    }

    @Test
    void everyFileSetupReadsIsWatched() throws Exception {
        for (String name : Controls.FILES) assertWatched(control.resolve(name));
        for (String name : Options.FILES) assertWatched(control.resolve(name));
        assertWatched(bin.resolve(Options.DEFAULT_CHECKER));
    }

    /** Creating and then rewriting {@code p} (to another size) each give a new setup. */
    private void assertWatched(Path p) throws Exception {
        boolean existed = Files.exists(p);
        byte[] old = existed ? Files.readAllBytes(p) : null;
        Setup before = once();
        if (!existed) {
            write(p, "1");
            Setup created = once();
            assertNotSame(before, created, p + " created");
            before = created;
        }
        write(p, "22");
        assertNotSame(before, once(), p + " rewritten");
        if (existed) Files.write(p, old);
        else Files.delete(p);
    }

    /** A valid file of its kind holding {@code v}: a cdb with the key v, else the line v. */
    private static void write(Path p, String v) throws IOException {
        if (!p.getFileName().toString().endsWith(".cdb")) {
            Files.writeString(p, v + "\n");
            return;
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            CdbWriter w = new CdbWriter(ch);
            w.add(v.getBytes(StandardCharsets.US_ASCII), new byte[0]);
            w.finish();
        }
    }

    @Test
    void withinTheRacyWindowEveryConnectionReadsForItself() throws Exception {
        offset = 0; // the files were written a moment ago: a second write in the same tick would not show
        Setup first = once();
        assertNull(cache.kept(), "nothing kept");
        assertTrue(first.released());
        assertNotSame(first, once());
        offset = LATER;
        Setup kept = once();
        assertSame(kept, once(), "once the window has passed");
    }

    @Test
    void aTimeFromTheFutureIsNeverOld() throws Exception {
        Files.setLastModifiedTime(control.resolve("me"), FileTime.fromMillis(System.currentTimeMillis() + 3_600_000));
        assertNotSame(once(), once());
    }

    Options options(Map<String, String> env) throws Exception {
        Setup s = cache.open();
        try {
            return s.options(env, s.controls(env).greeting());
        } finally {
            s.release();
        }
    }

    @Test
    void theEnvironmentIsAppliedToEachConnection() throws Exception {
        Files.writeString(control.resolve("databytes"), "100\n");
        Files.writeString(control.resolve("authusers"), "a:{PLAIN}b\n");
        Setup s = cache.open();
        assertEquals(100, s.controls(Map.of()).databytes());
        assertEquals(7, s.controls(Map.of("DATABYTES", "7")).databytes());
        assertEquals(100, s.controls(Map.of()).databytes(), "one connection's DATABYTES is not another's");
        Options plain = s.options(Map.of(), "mx.example");
        Options submission = s.options(Map.of("SMTPS", "1", "SMTPAUTHREQUIRED", "1", "SMTPTLSREQUIRED", "1"), "mx.example");
        assertFalse(plain.smtps() || plain.authRequired() || plain.tlsRequired());
        assertTrue(submission.smtps() && submission.authRequired() && submission.tlsRequired());
        assertNotSame(plain.auth(), submission.auth(), "each connection has its own AUTH timestamp");
        s.release();
        assertSame(s, cache.open(), "and all that from one setup");
    }

    @Test
    void aBadSmtptlsrequiredFailsOnlyTheConnectionsThatNeedIt() throws Exception {
        Files.writeString(control.resolve("smtptlsrequired"), "yes\n");
        Setup s = cache.open();
        assertTrue(s.options(Map.of("SMTPTLSREQUIRED", "1"), "mx.example").tlsRequired(), "the variable wins, as before");
        assertThrows(IOException.class, () -> s.options(Map.of(), "mx.example"), "421, as before");
        s.release();
    }

    @Test
    void aReplacedSetupIsClosedOnlyWhenItsLastSessionEnds() throws Exception {
        write(control.resolve("morercpthosts.cdb"), "more.example");
        Setup session = cache.open();
        Files.writeString(control.resolve("rcpthosts"), "other.example\n");
        Setup next = cache.open();
        assertNotSame(session, next);
        assertFalse(session.released(), "a session still looks in its morercpthosts.cdb");
        assertTrue(session.controls(Map.of()).rcpthosts().accepts("joe@more.example"));
        session.release();
        assertTrue(session.released());
        next.release();
        assertFalse(next.released(), "kept");
        cache.close();
        assertTrue(next.released());
    }

    @Test
    void aFailureIsNotKept() throws Exception {
        Files.writeString(control.resolve("timeoutsmtpd"), "soon\n");
        assertThrows(Controls.Unreadable.class, this::once);
        assertThrows(Controls.Unreadable.class, this::once, "read again, and still bad");
        Files.writeString(control.resolve("timeoutsmtpd"), "5\n");
        assertEquals(5, controls().timeoutSeconds());
    }

    /** What a client sees from one connection served with the cache. */
    String serve() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Connection.serve(Map.of(), new ByteArrayInputStream("QUIT\r\n".getBytes(StandardCharsets.US_ASCII)), out, reading -> {
            throw new AssertionError("timeout");
        }, cache);
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void aControlDirectoryThatBecomesUnreadableGives421NotTheKeptSetup() throws Exception {
        assertEquals("220 mx.example ESMTP\r\n221 mx.example\r\n", serve());
        assertNotNull(cache.kept());
        // as root a mode cannot take the directory away: a file in its place can (ENOTDIR for every control)
        Files.move(control, tmp.resolve("control.old"));
        Files.writeString(control, "not a directory\n");
        assertEquals("421 unable to read controls (#4.3.0)\r\n", serve());
        Files.delete(control);
        Files.move(tmp.resolve("control.old"), control);
        assertEquals("220 mx.example ESMTP\r\n221 mx.example\r\n", serve());
    }

    @Test
    void aControlDirectoryWithoutPermissionGives421() throws Exception {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root reads it all the same");
        assertEquals("220 mx.example ESMTP\r\n221 mx.example\r\n", serve());
        Files.setPosixFilePermissions(control, PosixFilePermissions.fromString("---------"));
        try {
            assertEquals("421 unable to read controls (#4.3.0)\r\n", serve());
        } finally {
            Files.setPosixFilePermissions(control, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
