package org.jqmail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The setuid shim, compiled here as the installer compiles it (cc -O2 -Wall -Wextra -Werror -I DIR),
 * and run without the setuid bit: what it does to the environment, the fds and the exit codes. Running
 * it setuid as another user needs installed jars; the lead's integration tests do that.
 */
class ShimTest {
    private static final Path SOURCE = Path.of("src/main/c/qmail-queue-shim.c");

    @TempDir
    Path tmp;
    QueueTree q;

    @BeforeEach
    void tree() throws Exception {
        assumeTrue(QueueTree.run("sh", "-c", "command -v cc >/dev/null") == 0, "no C compiler");
        q = new QueueTree(tmp.resolve("root"));
    }

    /** Compiles the shim for {@code root} and {@code argv}, as the installer's install_shim does. */
    private Path compile(String name, Path root, List<String> argv) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("h-" + name));
        StringBuilder h = new StringBuilder("#define QQ_ROOT ").append(literal(root.toString())).append("\n#define QQ_ARGV");
        String sep = " ";
        for (String w : argv) {
            h.append(sep).append(literal(w));
            sep = ", ";
        }
        Files.writeString(dir.resolve("qmail-queue-shim.h"), h.append('\n').toString());
        Path out = tmp.resolve(name);
        assertEquals(0, QueueTree.run("cc", "-O2", "-Wall", "-Wextra", "-Werror", "-I", dir.toString(), "-o", out.toString(),
            SOURCE.toString()), "cc");
        return out;
    }

    private static String literal(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content, StandardCharsets.ISO_8859_1);
    }

    private MainProcess.Result run(Path shim, String fd0, String fd1, Map<String, String> env) throws Exception {
        return MainProcess.run(List.of(shim.toString()), file("m", "Subject: shim\n\nhi\n"), file("e", "Fme@a\0Tyou@b\0\0"),
            fd0, fd1, env, tmp);
    }

    @Test
    void theCallersEnvironmentNeverReachesTheJvm() throws Exception {
        Path shim = compile("qq", q.root, MainProcess.command(q.root));
        Path evil = tmp.resolve("evil-root");
        MainProcess.Result r = run(shim, "<\"$M\"", "1<\"$E\"", Map.of(
            "JAVA_TOOL_OPTIONS", "-Djqmail.root=" + evil, "JDK_JAVA_OPTIONS", "-Djqmail.root=" + evil,
            "_JAVA_OPTIONS", "-Xmx1m", "CLASSPATH", "/nonexistent", "QMAILQUEUE", "/bin/false",
            Invoker.ENV, "12345"));
        assertEquals(new MainProcess.Result(0, "", r.pid()), r, "no 'Picked up ...' from the JVM");
        assertFalse(Files.exists(evil));
        long n = q.onlyMessage();
        String uid = new String(new ProcessBuilder("id", "-ru").start().getInputStream().readAllBytes()).strip();
        // the caller's JQMAIL_INVOKER_UID is replaced by its real uid; the exec kept the pid
        assertTrue(Files.readString(q.queue.mess(n)).startsWith("Received: (qmail " + r.pid() + " invoked by uid " + uid + "); "));
        assertTrue(Files.readString(q.queue.todo(n), StandardCharsets.ISO_8859_1).startsWith("u" + uid + "\0p" + r.pid() + "\0"));
    }

    @Test
    void theJvmSeesOnlyPathAndTheInvoker() throws Exception {
        // the same shim, exec'ing env(1) instead of the JVM
        Path shim = compile("env", q.root, List.of("/usr/bin/env"));
        Path out = tmp.resolve("env-out");
        MainProcess.Result r = MainProcess.run(List.of("sh", "-c", "\"$0\" > '" + out + "'", shim.toString()), null, null,
            "", "", Map.of("SECRET", "x", "LD_LIBRARY_PATH", "/evil"), tmp);
        assertEquals(0, r.exit(), r.stderr());
        String uid = new String(new ProcessBuilder("id", "-ru").start().getInputStream().readAllBytes()).strip();
        assertEquals(List.of("PATH=/usr/bin:/bin", Invoker.ENV + "=" + uid), Files.readAllLines(out));
    }

    @Test
    void closedStandardFdsAre54AsInC() throws Exception {
        Path shim = compile("qq", q.root, MainProcess.command(q.root));
        // as in C: reading a closed fd fails, and qmail-queue refuses (not an empty message queued)
        assertEquals(54, run(shim, "<&-", "1<\"$E\"", Map.of()).exit());
        q.assertEmpty();
        MainProcess.Result r = run(shim, "<\"$M\"", "1<&-", Map.of());
        assertEquals(54, r.exit(), r.stderr());
        q.assertEmpty();
        // fd 2 closed: still works, and nothing lands in the queue files
        r = run(shim, "<\"$M\"", "1<\"$E\" 2>&-", Map.of());
        assertEquals(0, r.exit());
        assertTrue(Files.readString(q.queue.mess(q.onlyMessage())).endsWith("Subject: shim\n\nhi\n"));
    }

    @Test
    void umaskIs033() throws Exception {
        Path shim = compile("umask", q.root, List.of("/bin/sh", "-c", "umask"));
        Path out = tmp.resolve("umask-out");
        MainProcess.Result r = MainProcess.run(List.of("sh", "-c", "umask 0; \"$0\" > '" + out + "'", shim.toString()),
            null, null, "", "", Map.of(), tmp);
        assertEquals(0, r.exit());
        assertEquals("0033", Files.readString(out).strip());
    }

    @Test
    void workingDirectoryIsTheRootOr61() throws Exception {
        Path shim = compile("pwd", q.root, List.of("/bin/pwd"));
        Path out = tmp.resolve("pwd-out");
        assertEquals(0, MainProcess.run(List.of("sh", "-c", "\"$0\" > '" + out + "'", shim.toString()), null, null, "", "",
            Map.of(), tmp).exit());
        assertEquals(q.root.toRealPath().toString(), Files.readString(out).strip());
        Path noRoot = compile("noroot", tmp.resolve("missing"), MainProcess.command(q.root));
        assertEquals(61, run(noRoot, "<\"$M\"", "1<\"$E\"", Map.of()).exit());
    }

    @Test
    void aJvmThatCannotBeStartedIs81() throws Exception {
        List<String> argv = new ArrayList<>(MainProcess.command(q.root));
        argv.set(0, tmp.resolve("no-java").toString());
        assertEquals(81, run(compile("nojava", q.root, argv), "<\"$M\"", "1<\"$E\"", Map.of()).exit());
        q.assertEmpty();
    }
}
