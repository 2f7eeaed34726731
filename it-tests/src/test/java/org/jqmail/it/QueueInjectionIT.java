package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * qmail-queue as a local user meets it: through the setuid shim, as user nobody, with a hostile
 * environment, message on fd 0 and envelope on fd 1.
 */
@ExtendWith(InstalledRoot.class)
class QueueInjectionIT {
    @TempDir
    Path tmp;

    /** Runs bin/qmail-queue as {@code user} with the given message and envelope files. */
    static Proc.Result inject(String user, Path message, Path envelope, String... env) throws Exception {
        String qq = InstalledRoot.root().resolve("bin/qmail-queue").toString();
        StringBuilder script = new StringBuilder("exec setpriv --reuid=" + user + " --regid=$(id -g " + user
            + ") --clear-groups -- env");
        for (String e : env) script.append(" '").append(e).append("'");
        script.append(" \"$1\" <\"$2\" 1<\"$3\"");
        return Proc.sh(script.toString(), qq, message.toString(), envelope.toString());
    }

    private Path file(String name, byte[] content) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, content);
        p.toFile().setReadable(true, false);
        tmp.toFile().setExecutable(true, false);
        return p;
    }

    @Test
    void nobodyQueuesAMessageThroughTheShimIgnoringAHostileEnvironment() throws Exception {
        QueueFiles q = new QueueFiles(InstalledRoot.root());
        Set<String> before = q.todo();
        byte[] body = "Subject: first\n\nhello from nobody\n".getBytes(StandardCharsets.US_ASCII);
        Path msg = file("msg", body);
        Path env = file("env", "Fme@example.org\0Tyou@it.example.test\0Tsecond@example.net\0\0".getBytes(StandardCharsets.ISO_8859_1));
        Path evil = tmp.resolve("evil-root");
        Proc.Result r = inject("nobody", msg, env,
            "JAVA_TOOL_OPTIONS=-Djqmail.root=" + evil, "JDK_JAVA_OPTIONS=-Djqmail.root=" + evil,
            "_JAVA_OPTIONS=-Xmx1m", "CLASSPATH=/nonexistent", "LD_PRELOAD=/nonexistent/evil.so",
            "QMAILQUEUE=/bin/false", "JQMAIL_INVOKER_UID=0");
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err(), "no JVM option was picked up from the caller's environment");
        assertFalse(Files.exists(evil));

        Set<String> added = new HashSet<>(q.todo());
        added.removeAll(before);
        assertEquals(1, added.size(), "exactly one new message in todo");
        String n = added.iterator().next();

        String uid = Proc.run(null, "id", "-u", "nobody").out().strip();
        byte[] mess = Files.readAllBytes(q.messOf(n));
        String text = new String(mess, StandardCharsets.ISO_8859_1);
        assertTrue(text.matches("(?s)Received: \\(qmail \\d+ invoked by uid " + uid
            + "\\); \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d -0000\nSubject: first\n\nhello from nobody\n"), text);
        String pid = text.substring("Received: (qmail ".length(), text.indexOf(' ', "Received: (qmail ".length()));
        assertArrayEquals(("u" + uid + "\0p" + pid + "\0Fme@example.org\0Tyou@it.example.test\0Tsecond@example.net\0")
            .getBytes(StandardCharsets.ISO_8859_1), Files.readAllBytes(q.todoOf(n)));
        // The message number is the inode of the mess file; todo/N and intd/N are one file.
        assertEquals(Long.parseLong(n), (Long) Files.getAttribute(q.messOf(n), "unix:ino"));
        assertEquals(Files.getAttribute(q.todoOf(n), "unix:ino"), Files.getAttribute(q.intdOf(n), "unix:ino"));
        assertEquals("qmailq 644\n", Proc.run(null, "stat", "-c", "%U %a", q.messOf(n).toString()).out());
        assertTrue(q.pid().isEmpty(), "no pid file left behind");
    }

    @Test
    void theQmailUsersAreNamedInTheReceivedLine() throws Exception {
        QueueFiles q = new QueueFiles(InstalledRoot.root());
        Path msg = file("m", "x\n".getBytes(StandardCharsets.US_ASCII));
        Path env = file("e", "F\0Tpostmaster@it.example.test\0\0".getBytes(StandardCharsets.US_ASCII));
        String[][] cases = {{"qmaild", "invoked from network"}, {"alias", "invoked by alias"}, {"qmails", "invoked for bounce"}};
        for (String[] c : cases) {
            Set<String> before = q.todo();
            Proc.Result r = inject(c[0], msg, env);
            assertEquals(0, r.exit(), c[0] + ": " + r.err());
            Set<String> added = new HashSet<>(q.todo());
            added.removeAll(before);
            String n = added.iterator().next();
            String first = Files.readString(q.messOf(n), StandardCharsets.ISO_8859_1).lines().findFirst().orElseThrow();
            assertTrue(first.matches("Received: \\(qmail \\d+ " + c[1] + "\\); .* -0000"), first);
        }
    }

    @Test
    void aBadEnvelopeQueuesNothing() throws Exception {
        QueueFiles q = new QueueFiles(InstalledRoot.root());
        Set<String> todo = q.todo(), mess = q.mess(), intd = q.intd();
        Path msg = file("m2", "Subject: x\n\ny\n".getBytes(StandardCharsets.US_ASCII));
        String[][] cases = {
            {"Xme@a\0Tyou@b\0\0", "91"}, {"Fme@a\0Xyou@b\0\0", "91"}, {"Fme@a\0Tyou@b\0", "54"}, {"", "54"},
            {"Fme@a\0T" + "x".repeat(1003) + "\0\0", "11"},
        };
        for (String[] c : cases) {
            Path env = file("bad-env", c[0].getBytes(StandardCharsets.ISO_8859_1));
            Proc.Result r = inject("nobody", msg, env);
            assertEquals(Integer.parseInt(c[1]), r.exit(), "envelope " + c[0].replace('\0', '_'));
        }
        assertEquals(todo, q.todo());
        assertEquals(mess, q.mess());
        assertEquals(intd, q.intd());
        assertTrue(q.pid().isEmpty());
    }
}
