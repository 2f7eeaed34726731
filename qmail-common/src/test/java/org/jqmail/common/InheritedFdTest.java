package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fds above 2 can only be inherited, so the main test starts a child JVM through sh, which places them
 * exactly as qmail-start and the spawners do.
 */
class InheritedFdTest {
    @TempDir Path dir;

    private static String classPath() throws URISyntaxException {
        String tests = Path.of(InheritedFdChild.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String main = Path.of(InheritedFd.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        return tests + ":" + main;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs sh -c script with $0 = java, $1 = class path; returns stdout, stderr in err[0]. */
    private String run(String script, String[] err) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script, java(), classPath())
            .directory(dir.toFile());
        Path out = dir.resolve("stdout");
        Path errFile = dir.resolve("stderr");
        pb.redirectOutput(out.toFile()).redirectError(errFile.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child did not finish");
        }
        err[0] = Files.readString(errFile);
        assertEquals(0, p.exitValue(), err[0]);
        return Files.readString(out);
    }

    private static final String CHILD = "\"$0\" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -cp \"$1\" "
        + "org.jqmail.common.InheritedFdChild";

    @Test
    void aChildReadsAFileOnFd3AndWritesFd4AndUsesFds0And1() throws Exception {
        Files.writeString(dir.resolve("in3"), "from a file");
        Files.writeString(dir.resolve("in0"), "from stdin");
        String[] err = new String[1];
        String out = run("exec " + CHILD + " 3<in3 4>out4 <in0", err);
        assertEquals("fd0:from stdin", out);
        assertEquals("fd3:from a file", Files.readString(dir.resolve("out4")));
        assertEquals("open: 3 4", err[0]);
    }

    @Test
    void aChildReadsAPipeOnFd3AndWritesAPipeOnFd4() throws Exception {
        String[] err = new String[1];
        String out = run("printf 'through a pipe' | { " + CHILD + " 3<&0 4>&1 </dev/null | cat > out4; }", err);
        // fd 1 of the child is the pipe to cat too, so both texts arrive there, fd 4's first.
        assertEquals("", out);
        assertEquals("fd3:through a pipefd0:", Files.readString(dir.resolve("out4")));
        assertEquals("open: 3 4", err[0]);
    }

    @Test
    void writingAnInheritedRegularFileAppendsAndNeverTruncates() throws Exception {
        Files.writeString(dir.resolve("in3"), "new");
        Files.writeString(dir.resolve("out4"), "old;");
        String[] err = new String[1];
        run("exec " + CHILD + " 3<in3 4>>out4 </dev/null", err);
        assertEquals("old;fd3:new", Files.readString(dir.resolve("out4")));
    }

    @Test
    void fdsAboveTwoAreFoundThroughProcSelfFd() throws IOException {
        Path file = dir.resolve("file");
        Files.writeString(file, "content");
        try (FileInputStream opened = new FileInputStream(file.toFile())) {
            opened.read(); // our own offset moves; the /proc path opens the file afresh at 0
            int fd = fdOf(file);
            assertTrue(fd > 2, "fd " + fd);
            assertTrue(InheritedFd.isOpen(fd));
            try (InputStream in = InheritedFd.input(fd)) {
                assertEquals("content", new String(in.readAllBytes()));
            }
        }
    }

    /** The number of an fd of this process open on {@code file}. */
    private static int fdOf(Path file) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).equals(file.toRealPath())) return Integer.parseInt(fd.getFileName().toString());
                } catch (IOException e) {
                    // the fd of the listing itself disappears; skip it
                }
            }
        }
        throw new AssertionError("no fd open on " + file);
    }

    @Test
    void theStandardFdsAreOpenAndAFarFdIsNot() {
        assertTrue(InheritedFd.isOpen(0));
        assertTrue(InheritedFd.isOpen(1));
        assertTrue(InheritedFd.isOpen(2));
        assertFalse(InheritedFd.isOpen(100_000));
    }

    @Test
    void aClosedFdCannotBeOpened() {
        assertThrows(IOException.class, () -> InheritedFd.input(100_000));
        assertThrows(IOException.class, () -> InheritedFd.output(100_000));
    }

    @Test
    void aNegativeFdIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> InheritedFd.input(-1));
        assertThrows(IllegalArgumentException.class, () -> InheritedFd.output(-1));
        assertThrows(IllegalArgumentException.class, () -> InheritedFd.isOpen(-1));
    }
}
