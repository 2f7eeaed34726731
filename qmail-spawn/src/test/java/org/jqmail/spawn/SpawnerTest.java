package org.jqmail.spawn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native spawning layer: descriptors, signals, bytes, exit statuses. */
class SpawnerTest {
    static final Spawner SPAWNER = Spawner.create();
    @TempDir Path tmp;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<byte[]> sh(String script, String... args) {
        List<byte[]> argv = new ArrayList<>(List.of(b("/bin/sh"), b("-c"), b(script), b("sh")));
        for (String a : args) argv.add(b(a));
        return argv;
    }

    /** Runs argv with fd 0 = {@code stdin}, fds 1 and 2 = one pipe; returns the output and the status. */
    record Run(String output, ExitStatus status) {}

    static Run run(List<byte[]> argv, int stdin) throws IOException {
        int[] pipe = SPAWNER.pipe();
        long pid;
        try {
            pid = SPAWNER.spawn(argv, List.of(b("PATH=/usr/bin:/bin")), stdin, pipe[1], pipe[1]);
        } finally {
            SPAWNER.close(pipe[1]);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SPAWNER.drain(pipe[0], (buf, n) -> out.write(buf, 0, n));
        return new Run(out.toString(StandardCharsets.ISO_8859_1), SPAWNER.waitFor(pid));
    }

    private int devNull() throws IOException {
        return SPAWNER.openRead(Path.of("/dev/null"));
    }

    @Test
    void childGetsOnlyDescriptorsZeroToTwo() throws Exception {
        int in = devNull();
        // Hold some extra descriptors open in the parent; none may reach the child.
        int[] extra = SPAWNER.pipe();
        try (var stream = Files.newInputStream(Files.writeString(tmp.resolve("f"), "x"))) {
            Run r = run(sh("ls /proc/self/fd | sort -n | tr '\\n' ' '"), in);
            // ls's own directory descriptor shows up as 3.
            assertEquals("0 1 2 3 ", r.output());
            assertEquals(ExitStatus.exited(0), r.status());
        } finally {
            SPAWNER.close(in);
            SPAWNER.close(extra[0]);
            SPAWNER.close(extra[1]);
        }
    }

    @Test
    void stdinIsTheGivenDescriptorAndStderrJoinsStdout() throws Exception {
        Path msg = Files.writeString(tmp.resolve("msg"), "hello\n");
        int in = SPAWNER.openRead(msg);
        try {
            Run r = run(sh("cat; echo oops >&2"), in);
            assertEquals("hello\noops\n", r.output());
        } finally {
            SPAWNER.close(in);
        }
    }

    @Test
    void signalMaskIsEmptyAndNoSignalIsIgnored() throws Exception {
        int in = devNull();
        try {
            Run r = run(sh("grep -E '^Sig(Blk|Ign)' /proc/self/status"), in);
            assertTrue(r.output().contains("SigBlk:\t0000000000000000"), r.output());
            // Signals 32 and 33 are glibc's own (thread cancellation, setxid): sigfillset leaves them out,
            // so posix_spawn cannot reset them, and no program uses them.
            long ignored = Long.parseLong(r.output().replaceAll("(?s).*SigIgn:\t([0-9a-f]+).*", "$1").trim(), 16);
            assertEquals(0, ignored & ~0x180000000L, r.output());
        } finally {
            SPAWNER.close(in);
        }
    }

    @Test
    void argumentsAndEnvironmentAreExactBytes() throws Exception {
        int in = devNull();
        int[] pipe = SPAWNER.pipe();
        try {
            long pid = SPAWNER.spawn(sh("printf '%s|%s' \"$1\" \"$X\""), List.of(b("X=\u00e9\u00ff")), in, pipe[1], pipe[1]);
            SPAWNER.close(pipe[1]);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SPAWNER.drain(pipe[0], (buf, n) -> out.write(buf, 0, n));
            assertEquals(ExitStatus.exited(0), SPAWNER.waitFor(pid));
            assertArrayEquals(b("|\u00e9\u00ff"), out.toByteArray());
        } finally {
            SPAWNER.close(in);
        }
        Run r = run(sh("printf '%s' \"$1\"", "caf\u00e9\u0080"), devNull());
        assertEquals("caf\u00e9\u0080", r.output());
    }

    @Test
    void exitCodesAndSignalsAreDecoded() throws Exception {
        assertEquals(ExitStatus.exited(111), run(sh("exit 111"), devNull()).status());
        assertEquals(ExitStatus.exited(0), run(sh("exit 256"), devNull()).status());
        ExitStatus killed = run(sh("kill -SEGV $$"), devNull()).status();
        assertTrue(killed.crashed());
        assertEquals(11, killed.signal());
    }

    @Test
    void missingProgramIsAnIOException() {
        assertThrows(IOException.class, () -> run(List.of(b("/nonexistent/program")), devNull()));
    }

    @Test
    void lowSourceDescriptorsAreNotClobbered() throws Exception {
        // Ask for the child's 0 and 1 swapped relative to two fresh descriptors, and 2 = same as 1.
        int[] p = SPAWNER.pipe();
        int in = devNull();
        try {
            long pid = SPAWNER.spawn(sh("echo out; echo err >&2"), List.of(), in, p[1], p[1]);
            SPAWNER.close(p[1]);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SPAWNER.drain(p[0], (buf, n) -> out.write(buf, 0, n));
            assertEquals(ExitStatus.exited(0), SPAWNER.waitFor(pid));
            assertEquals("out\nerr\n", out.toString(StandardCharsets.ISO_8859_1));
        } finally {
            SPAWNER.close(in);
        }
    }

    @Test
    void fstatSeesTypeAndOwner() throws Exception {
        Path f = Files.writeString(tmp.resolve("m"), "x");
        int fd = SPAWNER.openRead(f);
        try {
            Spawner.Stat st = SPAWNER.fstat(fd);
            assertTrue(st.regular());
            assertEquals((int) (Integer) Files.getAttribute(f, "unix:uid"), st.uid());
        } finally {
            SPAWNER.close(fd);
        }
        int dir = SPAWNER.openRead(tmp);
        try {
            assertEquals(false, SPAWNER.fstat(dir).regular());
        } finally {
            SPAWNER.close(dir);
        }
    }

    /** Root only (CI runs as root): the setpriv prefix really changes the uid and gid. */
    @Test
    void setprivPrefixRunsTheChildAsAnotherUser() throws Exception {
        Assumptions.assumeTrue(SPAWNER.posix().geteuid() == 0, "needs root");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv");
        List<byte[]> argv = new ArrayList<>(IdentityPrefix.setpriv(Path.of("/usr/bin/setpriv")).argv(65534, 65534));
        argv.addAll(List.of(b("/bin/sh"), b("-c"), b("echo $(id -u) $(id -g) $(id -G)")));
        Run r = run(argv, devNull());
        assertEquals("65534 65534 65534\n", r.output());
        assertEquals(ExitStatus.exited(0), r.status());
    }
}
