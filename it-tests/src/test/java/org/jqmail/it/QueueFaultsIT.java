package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * qmail-queue under faults a test can cause for real: a full disk (a tmpfs mounted over the queue), a
 * caller killed in the middle, qmail-queue itself killed. Whatever happens, todo/ never shows a
 * message that was not completely written.
 */
@ExtendWith(InstalledRoot.class)
class QueueFaultsIT {
    @TempDir
    Path tmp;

    private Path file(String name, byte[] content) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, content);
        p.toFile().setReadable(true, false);
        tmp.toFile().setExecutable(true, false);
        return p;
    }

    private static byte[] envelope(int recipients) {
        StringBuilder b = new StringBuilder("Fme@example.org\0");
        for (int i = 0; i < recipients; i++) b.append("Trecipient-number-").append(i).append("@example.net\0");
        return b.append('\0').toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void assertQueueEmpty(QueueFiles q) throws Exception {
        assertEquals(Set.of(), q.todo(), "todo");
        assertEquals(Set.of(), q.intd(), "intd");
        assertEquals(Set.of(), q.mess(), "mess");
        assertEquals(Set.of(), q.pid(), "pid");
    }

    @Test
    void aFullDiskGivesExit53AndLeavesNothing() throws Exception {
        Path root = InstalledRoot.root();
        Path queue = root.resolve("queue");
        Proc.Result mount = Proc.run(null, "mount", "-t", "tmpfs", "-o", "size=1m,mode=0750", "tmpfs", queue.toString());
        assertEquals(0, mount.exit(), "tmpfs mount (needs root): " + mount.err());
        try {
            // hier.sh is bash (for ((...))), not sh.
            Proc.Result tree = Proc.run(null, "bash", "-c", ". \"$1/install/hier.sh\" && make_tree \"$2\"", "bash",
                InstalledRoot.source().toString(), root.toString());
            assertEquals(0, tree.exit(), tree.err());
            QueueFiles q = new QueueFiles(root);

            // The message itself does not fit.
            Path big = file("big", "x".repeat(2 * 1024 * 1024).getBytes(StandardCharsets.US_ASCII));
            Path env = file("env", envelope(1));
            Proc.Result r = QueueInjectionIT.inject("nobody", big, env);
            assertEquals(53, r.exit(), r.err());
            assertQueueEmpty(q);

            // The message fits, its envelope does not: intd fails, and the message goes too.
            Path small = file("small", "Subject: s\n\nsmall\n".getBytes(StandardCharsets.US_ASCII));
            Path hugeEnv = file("huge-env", envelope(60_000));
            r = QueueInjectionIT.inject("nobody", small, hugeEnv);
            assertEquals(53, r.exit(), r.err());
            assertQueueEmpty(q);

            // With room again, the same small message is queued.
            r = QueueInjectionIT.inject("nobody", small, env);
            assertEquals(0, r.exit(), r.err());
            assertEquals(1, q.todo().size());
        } finally {
            Proc.run(null, "umount", queue.toString());
        }
    }

    /**
     * The caller dies half-way through the message: both of qmail-queue's input pipes reach EOF, the
     * envelope is incomplete, and nothing is queued (exit 54, seen in the queue rather than by the dead
     * caller).
     */
    @Test
    void aCallerKilledInTheMiddleQueuesNothing() throws Exception {
        Path root = InstalledRoot.root();
        QueueFiles q = new QueueFiles(root);
        Set<String> todo = q.todo(), mess = q.mess(), intd = q.intd();
        Path pidFile = tmp.resolve("qq.pid");
        String caller = String.join("\n",
            "import os, signal, sys",
            "qq, pidfile = sys.argv[1], sys.argv[2]",
            "m_r, m_w = os.pipe(); e_r, e_w = os.pipe()",
            "pid = os.fork()",
            "if pid == 0:",
            "    os.dup2(m_r, 0); os.dup2(e_r, 1)",
            "    for fd in (m_r, m_w, e_r, e_w): os.close(fd)",
            "    os.execv('/usr/bin/setpriv', ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', qq])",
            "os.close(m_r); os.close(e_r)",
            "open(pidfile, 'w').write(str(pid))",
            "os.write(m_w, b'Subject: half\\n\\n' + b'y' * 30000)",
            "os.write(e_w, b'Fme@example.org\\0Tyou@')",
            "os.kill(os.getpid(), signal.SIGKILL)");
        Proc.Result r = Proc.run(null, "python3", "-c", caller, root.resolve("bin/qmail-queue").toString(), pidFile.toString());
        assertEquals(128 + 9, r.exit(), "the caller died of SIGKILL");
        long qq = Long.parseLong(Files.readString(pidFile).strip());
        waitForExit(qq);
        assertEquals(todo, q.todo());
        assertEquals(mess, q.mess());
        assertEquals(intd, q.intd());
        assertTrue(q.pid().isEmpty());
    }

    /** qmail-queue killed with SIGKILL while it waits for the rest of its envelope: nothing in todo. */
    @Test
    void qmailQueueKilledMidwayShowsNothingInTodo() throws Exception {
        Path root = InstalledRoot.root();
        QueueFiles q = new QueueFiles(root);
        Set<String> todo = q.todo();
        String script = String.join("\n",
            "import os, signal, sys, time",
            "qq = sys.argv[1]",
            "m_r, m_w = os.pipe(); e_r, e_w = os.pipe()",
            "pid = os.fork()",
            "if pid == 0:",
            "    os.dup2(m_r, 0); os.dup2(e_r, 1)",
            "    for fd in (m_r, m_w, e_r, e_w): os.close(fd)",
            "    os.execv(qq, [qq])",
            "os.close(m_r); os.close(e_r)",
            "os.write(m_w, b'Subject: killed\\n\\nbody\\n'); os.close(m_w)",
            "os.write(e_w, b'Fme@example.org\\0Tyou@example.net\\0')",
            "time.sleep(3)",  // long enough for the JVM to have read the message and started on intd
            "os.kill(pid, signal.SIGKILL)",
            "_, status = os.waitpid(pid, 0)",
            "print(os.WTERMSIG(status) if os.WIFSIGNALED(status) else -os.WEXITSTATUS(status))");
        Proc.Result r = Proc.run(null, "python3", "-c", script, root.resolve("bin/qmail-queue").toString());
        assertEquals("9", r.out().strip(), "qmail-queue was still waiting and died of SIGKILL: " + r.err());
        assertEquals(todo, q.todo(), "no new entry in todo");
    }

    private static void waitForExit(long pid) throws InterruptedException {
        for (int i = 0; i < 600 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(50);
        }
    }
}
