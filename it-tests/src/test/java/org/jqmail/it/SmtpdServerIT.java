package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * qmail-smtpd-server as its service runs it: the run script of ROOT/supervise/qmail-smtpd-server (or,
 * where the installer left the service out, its template with the installer's substitutions), with a
 * free port, starts one JVM as qmaild through setpriv; swaks and Python's smtplib send mail, and the
 * test looks at what reached ROOT/queue through the setuid qmail-queue. The rules let 127.0.0.1 relay
 * and nobody else, so a client bound to 127.0.0.2 plays the stranger.
 */
@ExtendWith(InstalledRoot.class)
class SmtpdServerIT extends SmtpServiceContract {
    @Override
    int port() {
        return port;
    }

    private static PortService service;
    private static int port;

    @BeforeAll
    static void startServer() throws Exception {
        assertTrue(Files.isExecutable(InstalledRoot.root().resolve("bin/qmail-smtpd-server")), "the installer wrote bin/qmail-smtpd-server");
        service = PortService.start("qmail-smtpd-server");
        port = service.port();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (service != null) service.close();
    }

    private static String qmaildUid() throws Exception {
        return Proc.run(null, "id", "-u", "qmaild").out().strip();
    }

    @Test
    void overIpv6OnLoopback() throws Exception {
        // tcpserver from Debian's ucspi-tcp has no IPv6; qmail-smtpd-server listens on ::1 itself.
        Path root = InstalledRoot.root();
        int v6port = PortService.freePort();
        String gid = Proc.sh("getent group nofiles | cut -d: -f3").out().strip();
        Process server = new ProcessBuilder("setpriv", "--reuid=qmaild", "--regid=" + gid, "--clear-groups", "--",
            root.resolve("bin/qmail-smtpd-server").toString(), "-l", InstalledRoot.HOST, "-x",
            root.resolve("control/tcp.smtp.cdb").toString(), "::1", Integer.toString(v6port))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            QueueFiles q = new QueueFiles(root);
            Set<String> before = q.todo();
            Proc.Result r = null;
            for (int i = 0; i < 100; i++) {
                r = Proc.run(null, "swaks", "-6", "--server", "::1", "--port", Integer.toString(v6port), "--helo", "v6.example",
                    "--from", "alice@example.net", "--to", "joe@" + InstalledRoot.HOST, "--header", "Subject: over IPv6");
                if (r.exit() == 0 || !server.isAlive()) break;
                Thread.sleep(200); // still starting
            }
            assertEquals(0, r.exit(), r.out() + r.err());
            String mess = read(q.messOf(q.added(before)));
            assertTrue(mess.contains("\nReceived: from unknown (HELO v6.example) (::1)\n  by " + InstalledRoot.HOST + " with SMTP; "),
                mess);
            // ::1 matches no rule in tcp.smtp (127.0.0.1 does): no RELAYCLIENT, so no relaying
            Proc.Result relay = Proc.run(null, "swaks", "-6", "--server", "::1", "--port", Integer.toString(v6port),
                "--from", "alice@example.net", "--to", "someone@elsewhere.example");
            assertTrue(relay.out().contains("<** 553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"), relay.out());
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    @Test
    void pythonSmtplibPipelinesTwoRecipientsThroughStarttls() throws Exception {
        QueueFiles q = new QueueFiles(InstalledRoot.root());
        Set<String> before = q.todo();
        String py = String.join("\n",
            "import smtplib, ssl, sys",
            "s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=30)",
            "code, msg = s.ehlo('py.example')",
            "assert b'PIPELINING' in msg and b'STARTTLS' in msg, msg",
            "s.starttls(context=ssl._create_unverified_context())",
            "s.ehlo('py.example')",
            "refused = s.sendmail('bob@example.org', ['a@" + InstalledRoot.HOST + "', 'b@" + InstalledRoot.HOST + "'],",
            "    b'Subject: py\\r\\n\\r\\n\\xe4 8-bit body\\r\\n')",
            "assert refused == {}, refused",
            "print(s.quit())");
        Proc.Result r = Proc.run(null, "python3", "-c", py, Integer.toString(port));
        assertEquals(0, r.exit(), r.out() + r.err());
        String n = q.added(before);
        String mess = read(q.messOf(n));
        assertTrue(mess.contains(" with ESMTPS; "), mess);
        assertTrue(mess.endsWith("Subject: py\n\n\u00e4 8-bit body\n"), mess);
        assertTrue(read(q.todoOf(n)).endsWith("Fbob@example.org\0Ta@" + InstalledRoot.HOST + "\0Tb@" + InstalledRoot.HOST + "\0"));
    }

    @Test
    void everyProcessOfTheServiceRunsAsQmaild() throws Exception {
        // swaks in the background keeps a session (and its qmail-queue) busy while ps looks
        Process busy = new ProcessBuilder("swaks", "--server", "127.0.0.1:" + port, "--to", "joe@" + InstalledRoot.HOST,
            "--body", "x".repeat(10)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            List<Long> pids = new ArrayList<>();
            pids.add(service.handle().pid());
            service.handle().descendants().forEach(h -> pids.add(h.pid()));
            String uid = qmaildUid();
            for (long pid : pids) {
                Proc.Result ps = Proc.run(null, "ps", "-o", "uid=,ruid=,euid=,suid=,fsuid=,comm=", "-p", Long.toString(pid));
                if (ps.exit() != 0) continue; // it ended meanwhile
                String[] f = ps.out().strip().split("\\s+");
                for (int i = 0; i < 5; i++) {
                    // qmail-queue (setuid qmailq, invoked by qmaild) is the one process that may be another user
                    if (f[5].startsWith("qmail-queue")) continue;
                    assertEquals(uid, f[i], "process " + pid + ": " + ps.out());
                }
            }
            assertEquals(uid, Files.readString(Path.of("/proc/" + service.handle().pid() + "/status"))
                .replaceAll("(?s).*\nUid:\\s+(\\d+)\\s+\\d+\\s+\\d+\\s+\\d+\n.*", "$1"));
            assertFalse(Files.readString(Path.of("/proc/" + service.handle().pid() + "/status")).matches("(?s).*\nUid:\\s+0\\s.*"));
        } finally {
            assertTrue(busy.waitFor(60, TimeUnit.SECONDS));
        }
    }
}
