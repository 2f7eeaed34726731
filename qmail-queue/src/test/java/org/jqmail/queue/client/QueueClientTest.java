package org.jqmail.queue.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jqmail.common.Envelope;
import org.jqmail.common.QmailRoot;
import org.jqmail.common.QueueExit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QueueClient against stand-ins for qmail-queue: a shell script that records what it was given (fd 0,
 * fd 1, its other fds, working directory, signal state) and exits with a chosen code.
 */
class QueueClientTest {
    private static final Envelope ENV = new Envelope("me@example.org", List.of("you@example.org", "them@example.net"));
    private static final byte[] ENV_BYTES = "Fme@example.org\0Tyou@example.org\0Tthem@example.net\0\0".getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path tmp;
    Path root;
    Path rec;
    Path fake;
    String savedRoot;

    @BeforeEach
    void setUp() throws IOException {
        savedRoot = System.getProperty(QmailRoot.PROPERTY);
        root = Files.createDirectories(tmp.resolve("root"));
        System.setProperty(QmailRoot.PROPERTY, root.toString());
        rec = Files.createDirectories(tmp.resolve("rec"));
        fake = script("fake-qq", String.join("\n",
            "#!/bin/sh",
            "d='" + rec + "'",
            "ls -l /proc/$$/fd > \"$d/fds\"",
            "cat > \"$d/message\"",
            "cat <&1 > \"$d/envelope\"",
            "pwd > \"$d/cwd\"",
            // read by the shell itself: while dash waits for a child (grep) it blocks every signal
            "while read -r l; do case $l in SigBlk*|SigIgn*) echo \"$l\";; esac; done < /proc/$$/status > \"$d/signals\"",
            "[ -f \"$d/custom\" ] && cat \"$d/custom\" >&6",
            "exit $(cat \"$d/code\" 2>/dev/null || echo 0)",
            ""));
    }

    @AfterEach
    void restore() {
        if (savedRoot == null) System.clearProperty(QmailRoot.PROPERTY);
        else System.setProperty(QmailRoot.PROPERTY, savedRoot);
    }

    private Path script(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private void exitWith(int code) throws IOException {
        Files.writeString(rec.resolve("code"), Integer.toString(code));
    }

    private QueueResult submit(Path program, byte[] message, Envelope env) throws IOException {
        try (QueueClient qq = QueueClient.open(program)) {
            qq.message().write(message);
            return qq.close(env);
        }
    }

    private byte[] recorded(String name) throws IOException {
        return Files.readAllBytes(rec.resolve(name));
    }

    @Test
    void messageAndEnvelopeArriveByteExact() throws Exception {
        byte[] msg = new byte[1 << 20];
        for (int i = 0; i < msg.length; i++) msg[i] = (byte) (i ^ (i >> 8));
        QueueResult r = submit(fake, msg, ENV);
        assertEquals(0, r.exitCode());
        assertTrue(r.queued());
        assertEquals("", r.report());
        assertTrue(r.pid() > 0);
        assertArrayEquals(msg, recorded("message"));
        assertArrayEquals(ENV_BYTES, recorded("envelope"));
    }

    @Test
    void eightBitAddressesAndTheEmptySender() throws Exception {
        Envelope env = new Envelope("", List.of("\u00e9l\u00e8ve@\u00e9cole.example", "x@y"));
        assertTrue(submit(fake, new byte[0], env).queued());
        assertArrayEquals("F\0T\u00e9l\u00e8ve@\u00e9cole.example\0Tx@y\0\0".getBytes(StandardCharsets.ISO_8859_1),
            recorded("envelope"));
        assertEquals(0, recorded("message").length);
    }

    @Test
    void aStreamedMessageOfTwentyMegabytes() throws Exception {
        byte[] chunk = new byte[12345];
        try (QueueClient qq = QueueClient.open(fake)) {
            OutputStream out = qq.message();
            for (int i = 0; i < 20 * 1024 * 1024 / chunk.length; i++) {
                for (int j = 0; j < chunk.length; j++) chunk[j] = (byte) (i + j);
                out.write(chunk);
                out.write('\n');
            }
            assertTrue(qq.close(ENV).queued());
        }
        byte[] got = recorded("message");
        assertEquals(20 * 1024 * 1024 / chunk.length * (chunk.length + 1L), got.length);
        for (int i = 0, k = 0; k < got.length; i++) {
            for (int j = 0; j < chunk.length; j++) assertEquals((byte) (i + j), got[k++]);
            assertEquals('\n', got[k++]);
        }
    }

    @Test
    void everyExitCodeHasQmailsText() throws Exception {
        int[] codes = {0, 1, 11, 12, 31, 40, 41, 51, 52, 53, 54, 55, 56, 61, 62, 63, 64, 65, 66, 71, 72, 73, 74, 75, 81,
            82, 91, 99, 100, 111, 115, 120, 255};
        for (int code : codes) {
            exitWith(code);
            QueueResult r = submit(fake, "m\n".getBytes(StandardCharsets.US_ASCII), ENV);
            assertEquals(code, r.exitCode());
            assertEquals(QueueExit.report(code), r.report(), "exit " + code);
        }
        exitWith(11);
        QueueResult r = submit(fake, new byte[1], ENV);
        assertEquals("Denvelope address too long for qq (#5.1.3)", r.report());
        assertTrue(r.permanent());
        assertFalse(r.temporary());
        assertEquals("envelope address too long for qq (#5.1.3)", r.text());
        exitWith(53);
        r = submit(fake, new byte[1], ENV);
        assertEquals("Zqq write error or disk full (#4.3.0)", r.report());
        assertTrue(r.temporary());
    }

    @Test
    void customErrorOnFd6() throws Exception {
        String[][] cases = {
            {"Dcustom text", "Dcustom text"},
            {"Zgreylisted, try later (#4.7.1)", "Zgreylisted, try later (#4.7.1)"},
            {"Dspam\nsecond line", "Dspam"},
            {"Dspam\r\n", "Dspam"},
            {"D" + "y".repeat(400), "D" + "y".repeat(254)},
            {"Xnot a verdict", QueueExit.report(82)},
            {"Dx", QueueExit.report(82)},
            {"", QueueExit.report(82)},
        };
        exitWith(82);
        for (String[] c : cases) {
            Files.writeString(rec.resolve("custom"), c[0], StandardCharsets.ISO_8859_1);
            QueueResult r = submit(fake, "m\n".getBytes(StandardCharsets.US_ASCII), ENV);
            assertEquals(82, r.exitCode());
            assertEquals(c[1], r.report(), c[0]);
        }
        Files.delete(rec.resolve("custom"));
        assertEquals("Zqq temporary problem (#4.3.0)", submit(fake, new byte[0], ENV).report());
        // fd 6 is read only for 82
        exitWith(53);
        Files.writeString(rec.resolve("custom"), "Dignored");
        assertEquals(QueueExit.report(53), submit(fake, new byte[0], ENV).report());
    }

    @Test
    void exit82WhileAGrandchildHoldsFd6DoesNotHang() throws Exception {
        Path pidFile = tmp.resolve("sleeper");
        Path p = script("qq-sleeper", "#!/bin/sh\ncat >/dev/null\ncat <&1 >/dev/null\nsleep 60 & echo $! > '" + pidFile + "'\nexit 82\n");
        try {
            QueueResult r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> submit(p, new byte[10], ENV));
            assertEquals(new QueueResult(r.pid(), 82, QueueExit.report(82)), r);
        } finally {
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(ProcessHandle::destroy);
        }
    }

    @Test
    void aKilledQmailQueueCrashed() throws Exception {
        Path p = script("qq-crash", "#!/bin/sh\ncat >/dev/null\nkill -9 $$\n");
        QueueResult r = submit(p, new byte[100], ENV);
        assertEquals(new QueueResult(r.pid(), QueueResult.CRASHED, "Zqq crashed (#4.3.0)"), r);
    }

    @Test
    void aProgramThatCannotBeExecuted() throws Exception {
        QueueResult r = submit(tmp.resolve("no-such-program"), new byte[100_000], ENV);
        assertEquals(new QueueResult(0, 120, "Zunable to exec qq (#4.3.0)"), r);
        Path notExecutable = Files.writeString(tmp.resolve("plain-file"), "#!/bin/sh\nexit 0\n");
        assertEquals(new QueueResult(0, 120, "Zunable to exec qq (#4.3.0)"), submit(notExecutable, new byte[1], ENV));
    }

    @Test
    void aMissingRootIs61() throws Exception {
        System.setProperty(QmailRoot.PROPERTY, tmp.resolve("no-root").toString());
        assertEquals(new QueueResult(0, 61, "Zqq trouble in home directory (#4.3.0)"), submit(fake, new byte[1], ENV));
    }

    @Test
    void qmailQueueThatLeavesEarlyIsNotQueued() throws Exception {
        // it exits 0 without reading: our writes hit a broken pipe, which qmail_close reports as a read error
        Path quitter = script("qq-quit", "#!/bin/sh\nexit 0\n");
        QueueResult r = submit(quitter, new byte[4 << 20], ENV);
        assertEquals(new QueueResult(r.pid(), 0, "Zqq read error (#4.3.0)"), r);
        // its own exit code wins when it is not 0
        Path refuser = script("qq-refuse", "#!/bin/sh\nexit 31\n");
        r = submit(refuser, new byte[4 << 20], ENV);
        assertEquals(new QueueResult(r.pid(), 31, "Dmail server permanently rejected message (#5.3.0)"), r);
    }

    @Test
    void failSendsNoEnvelope() throws Exception {
        try (QueueClient qq = QueueClient.open(fake)) {
            qq.message().write("partial".getBytes(StandardCharsets.US_ASCII));
            qq.fail();
            qq.message().write("dropped".getBytes(StandardCharsets.US_ASCII));
            QueueResult r = qq.close(ENV);
            assertEquals(new QueueResult(qq.pid(), 0, "Zqq read error (#4.3.0)"), r, "the fake exits 0 all the same");
        }
        assertEquals(0, recorded("envelope").length);
    }

    @Test
    void closingWithoutAnEnvelopeAbandonsTheRun() throws Exception {
        long pid;
        try (QueueClient qq = QueueClient.open(fake)) {
            qq.message().write("m".getBytes(StandardCharsets.US_ASCII));
            pid = qq.pid();
        }
        assertEquals(0, recorded("envelope").length);
        assertFalse(ProcessHandle.of(pid).isPresent(), "child reaped");
    }

    @Test
    void aReadErrorInTheSourceIsThrownAndNothingIsSent() throws Exception {
        InputStream broken = new InputStream() {
            int n;
            @Override
            public int read() throws IOException {
                if (n++ < 70_000) return 'a';
                throw new IOException("disk on fire");
            }
        };
        // static submit uses program(): point QMAILQUEUE's default, ROOT/bin/qmail-queue, at the fake
        Files.createDirectories(root.resolve("bin"));
        Files.createSymbolicLink(root.resolve("bin/qmail-queue"), fake);
        IOException e = assertThrows(IOException.class, () -> QueueClient.submit(broken, ENV));
        assertEquals("disk on fire", e.getMessage());
        assertEquals(0, recorded("envelope").length);
        assertTrue(QueueClient.submit(new ByteArrayInputStream("ok\n".getBytes(StandardCharsets.US_ASCII)), ENV).queued());
        assertTrue(QueueClient.submit("Delivered-To: x\n".getBytes(StandardCharsets.US_ASCII),
            new ByteArrayInputStream("body\n".getBytes(StandardCharsets.US_ASCII)), ENV).queued());
        assertEquals("Delivered-To: x\nbody\n", Files.readString(rec.resolve("message")));
        assertTrue(QueueClient.submit("whole\n".getBytes(StandardCharsets.US_ASCII), ENV).queued());
        assertEquals("whole\n", Files.readString(rec.resolve("message")));
    }

    @Test
    void theChildGetsOnlyFds012And6InTheRootWithCleanSignals() throws Exception {
        // an fd of ours that is not close-on-exec must not reach the child
        Path marker = Files.writeString(tmp.resolve("leak-marker"), "x");
        try (FileInputStream leak = new FileInputStream(marker.toFile())) {
            assertTrue(submit(fake, new byte[1], ENV).queued());
        }
        Map<Integer, String> fds = new java.util.TreeMap<>();
        for (String line : Files.readAllLines(rec.resolve("fds"))) {
            int arrow = line.indexOf(" -> ");
            if (arrow < 0) continue; // "total 0"
            String left = line.substring(0, arrow);
            fds.put(Integer.parseInt(left.substring(left.lastIndexOf(' ') + 1)), line.substring(arrow + 4));
        }
        assertTrue(fds.get(0).startsWith("pipe:["), fds.toString());
        // fd 1 shows ls's redirection here; messageAndEnvelopeArriveByteExact shows it is the envelope pipe
        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString(), fds.get(2), "fd 2 is ours");
        assertTrue(fds.get(6).startsWith("pipe:["), fds.toString());
        assertFalse(fds.containsValue(marker.toString()), "our fd leaked: " + fds);
        for (Map.Entry<Integer, String> e : fds.entrySet()) {
            int fd = e.getKey();
            // Others are dash's own, from 10 up: its script, and fd 1 saved while it redirects for ls.
            assertTrue(fd <= 2 || fd == 6 || fd >= 10 && (e.getValue().equals(fake.toString()) || e.getValue().startsWith("pipe:")),
                fds.toString());
        }
        assertEquals(root.toRealPath().toString(), Files.readString(rec.resolve("cwd")).strip(), "qmail's child chdirs to QMAILHOME");
        List<String> signals = Files.readAllLines(rec.resolve("signals"));
        assertEquals("SigBlk:\t0000000000000000", signals.get(0), "nothing blocked");
        // Nothing ignored, except glibc's internal signals 32 and 33 (SIGCANCEL, SIGSETXID), which its
        // posix_spawn sets to SIG_IGN on purpose; no other process ever sends them.
        assertTrue(signals.get(1).startsWith("SigIgn:\t"), signals.toString());
        assertEquals(0, Long.parseUnsignedLong(signals.get(1).substring(8), 16) & ~0x180000000L, signals.toString());
    }

    @Test
    void sessionsOpenAtTheSameTimeDoNotHoldEachOthersPipes() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Path[] recs = new Path[3];
            QueueClient[] qq = new QueueClient[3];
            for (int i = 0; i < 3; i++) {
                recs[i] = Files.createDirectories(tmp.resolve("rec" + i));
                Path p = script("qq" + i, "#!/bin/sh\ncat > '" + recs[i] + "/m'\ncat <&1 > '" + recs[i] + "/e'\n");
                qq[i] = QueueClient.open(p);
                qq[i].message().write(("message " + i).getBytes(StandardCharsets.US_ASCII));
            }
            // finished in the reverse order: if a later child held an earlier one's pipe, this would hang
            for (int i = 2; i >= 0; i--) {
                assertTrue(qq[i].close(new Envelope("s" + i, List.of())).queued());
                assertEquals("message " + i, Files.readString(recs[i].resolve("m")));
                assertEquals("Fs" + i + "\0\0", Files.readString(recs[i].resolve("e")));
                qq[i].close();
            }
        });
    }

    @Test
    void closeTwiceIsAMistakeButCloseAfterCloseIsNot() throws Exception {
        QueueClient qq = QueueClient.open(fake);
        QueueResult r = qq.close(ENV);
        assertThrows(IllegalStateException.class, () -> qq.close(ENV));
        qq.close();
        assertThrows(IOException.class, () -> qq.message().write(1));
        assertTrue(r.queued());
    }

    @Test
    void programFollowsQmailqueue() {
        Path r = Path.of("/var/qmail");
        assertEquals(Path.of("/var/qmail/bin/qmail-queue"), QueueClient.program(null, r));
        assertEquals(Path.of("/var/qmail/bin/qmail-queue"), QueueClient.program("", r));
        assertEquals(Path.of("/usr/local/bin/qmail-scanner"), QueueClient.program("/usr/local/bin/qmail-scanner", r));
        assertEquals(Path.of("/var/qmail/bin/qmail-queue-filter"), QueueClient.program("bin/qmail-queue-filter", r),
            "relative to QMAILHOME, where qmail's child chdirs");
        if (System.getenv(QueueClient.QMAILQUEUE) == null) {
            assertEquals(root.resolve("bin/qmail-queue"), QueueClient.program());
        }
    }

    @Test
    void theChildGetsOurEnvironment() throws Exception {
        Path p = script("qq-env", "#!/bin/sh\ncat >/dev/null\nenv > '" + rec + "/env'\n");
        assertTrue(submit(p, new byte[0], ENV).queued());
        List<String> env = Files.readAllLines(rec.resolve("env"));
        for (Map.Entry<String, String> e : System.getenv().entrySet()) {
            if (e.getValue().indexOf('\n') < 0 && !e.getKey().equals("_") && !e.getKey().equals("PWD") && !e.getKey().equals("SHLVL")
                    && !e.getKey().equals("OLDPWD")) {
                assertTrue(env.contains(e.getKey() + "=" + e.getValue()), e.getKey());
            }
        }
    }

    @Test
    void resultValues() {
        assertThrows(IllegalArgumentException.class, () -> new QueueResult(1, 0, "ok"));
        assertThrows(IllegalArgumentException.class, () -> new QueueResult(1, 0, null));
        QueueResult q = new QueueResult(5, 0, "");
        assertTrue(q.queued());
        assertFalse(q.permanent());
        assertFalse(q.temporary());
        assertEquals("", q.text());
        assertSame("", q.report());
    }

    @Test
    void manyRunsLeakNoFds() throws Exception {
        int before = openFds();
        for (int i = 0; i < 50; i++) submit(fake, new byte[10], ENV);
        for (int i = 0; i < 20; i++) submit(tmp.resolve("missing"), new byte[10], ENV);
        assertEquals(before, openFds());
    }

    private static int openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }
}
