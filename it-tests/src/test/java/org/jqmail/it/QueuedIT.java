package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * qmail-queued in an installed root, started by its service's run script (as qmailq, socket
 * ROOT/queued/socket): local users inject through it with sendmail and qmail-inject, the Received line
 * names them by the kernel's peer credentials, and a daemon killed in the middle of a message leaves
 * nothing in todo/. It is stopped after every test: the other integration tests share this root and
 * test bin/qmail-queue itself.
 */
@ExtendWith(InstalledRoot.class)
class QueuedIT {
    /** qp numbers of qmail-queued start above Linux's PID_MAX_LIMIT. */
    static final long FIRST_QP = 1L << 22;

    @TempDir
    Path tmp;
    Path root;
    Path socket;
    Process daemon;

    @BeforeEach
    void start() throws Exception {
        root = InstalledRoot.root();
        socket = root.resolve("queued/socket");
        Path service = root.resolve("supervise/qmail-queued");
        assertTrue(Files.isExecutable(service.resolve("run")), "the installer made the service");
        daemon = new ProcessBuilder("/bin/sh", service.resolve("run").toString()).directory(service.toFile())
            .redirectErrorStream(true).redirectOutput(tmp.resolve("queued.log").toFile()).start();
        for (int i = 0; i < 600; i++) {
            if (log().contains("listening on")) return;
            assertTrue(daemon.isAlive(), () -> "qmail-queued died: " + log());
            Thread.sleep(50);
        }
        throw new AssertionError("qmail-queued did not start: " + log());
    }

    @AfterEach
    void stop() throws Exception {
        daemon.destroy();
        if (!daemon.waitFor(30, TimeUnit.SECONDS)) daemon.destroyForcibly().waitFor();
    }

    private String log() {
        try {
            return Files.readString(tmp.resolve("queued.log"));
        } catch (IOException e) {
            return "";
        }
    }

    private static String uid(String user) throws Exception {
        return Proc.run(null, "id", "-u", user).out().strip();
    }

    private static Proc.Result as(String user, String script) throws Exception {
        return Proc.sh("exec setpriv --reuid=" + user + " --regid=$(id -g " + user + ") --clear-groups -- env -i PATH=/usr/bin:/bin "
            + "/bin/sh -c '" + script + "'");
    }

    /** The one message that appeared in todo/ since {@code before}. */
    private static String added(QueueFiles q, Set<String> before) throws IOException {
        Set<String> now = new HashSet<>(q.todo());
        now.removeAll(before);
        assertEquals(1, now.size(), "one new message in todo/: " + now);
        return now.iterator().next();
    }

    @Test
    void theServiceRunsAsQmailqWithASocketAnyoneMayUse() throws Exception {
        long pid = daemon.pid();
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        String qmailq = uid("qmailq");
        assertTrue(status.matches("(?s).*\nUid:\t" + qmailq + "\t" + qmailq + "\t" + qmailq + "\t" + qmailq + "\n.*"), status);
        assertEquals("qmailq 755 directory\n", Proc.run(null, "stat", "-c", "%U %a %F", root.resolve("queued").toString()).out());
        assertEquals("qmailq 777 socket\n", Proc.run(null, "stat", "-c", "%U %a %F", socket.toString()).out());
    }

    @Test
    void nobodyQueuesThroughSendmailAndTheReceivedLineNamesNobody() throws Exception {
        QueueFiles q = new QueueFiles(root);
        Set<String> before = q.todo();
        Proc.Result r = as("nobody", "printf \"To: bob@example.net\\nSubject: via queued\\n\\nhi\\n\" | " + root.resolve("bin/sendmail") + " -t");
        assertEquals(0, r.exit(), r.out() + r.err());
        String n = added(q, before);
        String text = Files.readString(q.messOf(n), StandardCharsets.ISO_8859_1);
        String nobody = uid("nobody");
        assertTrue(text.matches("(?s)Received: \\(qmail \\d+ invoked by uid " + nobody
            + "\\); \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d -0000\n.*Subject: via queued\n.*\nhi\n"), text);
        long qp = Long.parseLong(text.substring("Received: (qmail ".length(), text.indexOf(' ', "Received: (qmail ".length())));
        assertTrue(qp > FIRST_QP, "qmail-queued's qp, so it went through the daemon: " + qp);
        String todo = Files.readString(q.todoOf(n), StandardCharsets.ISO_8859_1);
        assertTrue(todo.startsWith("u" + nobody + "\0p" + qp + "\0F"), todo);
        assertTrue(todo.endsWith("\0Tbob@example.net\0"), todo);
        assertEquals("qmailq 644\n", Proc.run(null, "stat", "-c", "%U %a", q.messOf(n).toString()).out());
        assertTrue(q.pid().isEmpty(), "no pid file left behind");
    }

    @Test
    void qmaildIsInvokedFromNetworkAndAliasByAlias() throws Exception {
        QueueFiles q = new QueueFiles(root);
        for (String[] who : new String[][] {{"qmaild", "from network"}, {"alias", "by alias"}, {"qmails", "for bounce"}}) {
            Set<String> before = q.todo();
            Proc.Result r = as(who[0], "printf \"Subject: t\\n\\nhi\\n\" | " + root.resolve("bin/qmail-inject") + " -fsomeone@example.org bob@example.net");
            assertEquals(0, r.exit(), who[0] + ": " + r.out() + r.err());
            String text = Files.readString(q.messOf(added(q, before)), StandardCharsets.ISO_8859_1);
            assertTrue(text.matches("(?s)Received: \\(qmail \\d{7,} invoked " + who[1] + "\\); .*"), who[0] + ": " + text);
        }
    }

    @Test
    void aForgedInvokerVariableChangesNothing() throws Exception {
        QueueFiles q = new QueueFiles(root);
        Set<String> before = q.todo();
        Proc.Result r = Proc.sh("printf \"Subject: t\\n\\nhi\\n\" | exec setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups -- "
            + "env -i PATH=/usr/bin:/bin JQMAIL_INVOKER_UID=0 " + root.resolve("bin/qmail-inject") + " bob@example.net");
        assertEquals(0, r.exit(), r.err());
        String text = Files.readString(q.messOf(added(q, before)), StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("Received: (qmail "), text);
        assertTrue(text.substring(0, text.indexOf('\n')).contains(" invoked by uid " + uid("nobody") + ")"), text);
    }

    @Test
    void qmailSmtpdAnswersWithTheDaemonsQpAndTheMessageIsFromNetwork() throws Exception {
        QueueFiles q = new QueueFiles(root);
        Set<String> before = q.todo();
        // qmail-smtpd as tcpserver would run it for one connection: as qmaild, the SMTP session on fd 0/1
        String session = "HELO client.example.org\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<bob@" + InstalledRoot.HOST
            + ">\r\nDATA\r\nSubject: smtp\r\n\r\nhi\r\n.\r\nQUIT\r\n";
        Proc.Result r = Proc.run(session.getBytes(StandardCharsets.US_ASCII), "setpriv", "--reuid=qmaild",
            "--regid=" + Proc.run(null, "id", "-g", "qmaild").out().strip(), "--clear-groups", "--", "env", "-i",
            "PATH=/usr/bin:/bin", "TCPLOCALIP=127.0.0.1", "TCPREMOTEIP=127.0.0.1", "TCPLOCALHOST=" + InstalledRoot.HOST,
            root.resolve("bin/qmail-smtpd").toString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\r\n250 ok \\d+ qp (\\d+)\r\n").matcher(r.out());
        assertTrue(m.find(), r.out() + r.err());
        long qp = Long.parseLong(m.group(1));
        assertTrue(qp > FIRST_QP, "the daemon's qp: " + qp);
        String n = added(q, before);
        String text = Files.readString(q.messOf(n), StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("Received: (qmail " + qp + " invoked from network); "), text);
        assertTrue(Files.readString(q.todoOf(n), StandardCharsets.ISO_8859_1).startsWith("u" + uid("qmaild") + "\0p" + qp + "\0"));
    }

    @Test
    void killingTheDaemonMidMessageLeavesNothingInTodo() throws Exception {
        QueueFiles q = new QueueFiles(root);
        Set<String> todo = q.todo();
        Set<String> mess = q.mess();
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer greeting = ByteBuffer.allocate(32);
            for (int i = 0; i < 100 && (greeting.position() == 0 || greeting.get(greeting.position() - 1) != ','); i++) c.read(greeting);
            byte[] frame = new byte[60_000];
            ByteBuffer b = ByteBuffer.wrap(("65536:").getBytes(StandardCharsets.US_ASCII));
            while (b.hasRemaining()) c.write(b);
            b = ByteBuffer.wrap(frame);
            while (b.hasRemaining()) c.write(b); // inside the frame: the message is not complete
            Set<String> grown = q.mess();
            for (int i = 0; i < 200 && grown.equals(mess); i++) {
                Thread.sleep(25);
                grown = q.mess();
            }
            assertFalse(grown.equals(mess), "the injection had started a mess file");
            Proc.run(null, "kill", "-KILL", Long.toString(daemon.pid()));
            assertTrue(daemon.waitFor(30, TimeUnit.SECONDS));
            ByteBuffer answer = ByteBuffer.allocate(1);
            assertEquals(-1, c.read(answer), "no answer from a dead daemon");
        }
        assertEquals(todo, q.todo(), "nothing new in todo/");
        // the sendmail fallback still works with the daemon gone (a stale socket is refused)
        Proc.Result r = as("nobody", "printf \"To: bob@example.net\\n\\nafter\\n\" | " + root.resolve("bin/sendmail") + " -t");
        assertEquals(0, r.exit(), r.err());
        String n = added(q, todo);
        String text = Files.readString(q.messOf(n), StandardCharsets.ISO_8859_1);
        long qp = Long.parseLong(text.substring("Received: (qmail ".length(), text.indexOf(' ', "Received: (qmail ".length())));
        assertTrue(qp < FIRST_QP, "bin/qmail-queue's pid: " + qp);
    }
}
