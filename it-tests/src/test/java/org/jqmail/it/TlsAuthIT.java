package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * STARTTLS, SMTPS and AUTH as the world meets them: the installed run scripts of qmail-smtpd (port 25),
 * qmail-smtps (465), qmail-submission (587) and qmail-authd, each with a free port instead of its
 * own, started as they are under supervise; swaks, Python's smtplib and openssl s_client as the
 * clients. A system user made here with useradd + chpasswd (Debian: a yescrypt hash in /etc/shadow)
 * proves the qmail-authd path; control/authusers holds the virtual users. Clients bound to 127.0.0.2
 * are strangers that may relay only after AUTH.
 */
@ExtendWith(InstalledRoot.class)
class TlsAuthIT {
    static final String USER = "jqtls" + ProcessHandle.current().pid() % 100000;
    static final String PASS = "Sys-pass " + ProcessHandle.current().pid();
    static final String VIRTUAL = "v@" + InstalledRoot.HOST;
    static final String VPASS = "cram secret 42";
    static final String HASHED = "hashed@" + InstalledRoot.HOST;
    static final String HPASS = "Hello world!";
    static final String HASH = "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1";

    private static final List<Process> services = new ArrayList<>();
    private static final List<Path> logs = new ArrayList<>();
    private static final List<Path> scripts = new ArrayList<>();
    private static int smtp;
    private static int smtps;
    private static int submission;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts ROOT/supervise/NAME/run with its PORT line set to {@code port} (0: no port). */
    static Process service(String name, String portLine, int port) throws Exception {
        String run = Files.readString(InstalledRoot.root().resolve("supervise/" + name + "/run"));
        if (portLine != null) {
            assertTrue(run.contains("\n" + portLine + "\n"), run);
            run = run.replace("\n" + portLine + "\n", "\nPORT=" + port + "\n");
        }
        Path script = Files.createTempFile(name, ".sh");
        Files.writeString(script, run);
        scripts.add(script);
        Path log = Files.createTempFile(name, ".log");
        logs.add(log);
        Process p = new ProcessBuilder("/bin/sh", script.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        services.add(p);
        return p;
    }

    static void awaitPort(Process p, int port, Path log) throws Exception {
        for (int i = 0; ; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (i == 300 || !p.isAlive()) throw new IOException("no listener on " + port + ": " + Files.readString(log), e);
                Thread.sleep(100);
            }
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path root = InstalledRoot.root();
        Path control = root.resolve("control");
        Proc.run(null, "userdel", USER);
        Proc.Result add = Proc.run(null, "useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", USER);
        assertEquals(0, add.exit(), add.err());
        Proc.Result pw = Proc.run((USER + ":" + PASS + "\n").getBytes(StandardCharsets.UTF_8), "chpasswd");
        assertEquals(0, pw.exit(), pw.err());
        Files.writeString(control.resolve("authusers"), "# virtual users\n" + VIRTUAL + ":{PLAIN}" + VPASS + "\n" + HASHED + ":" + HASH + "\n");
        assertEquals(0, Proc.run(null, "chown", "qmaild", control.resolve("authusers").toString()).exit());
        assertEquals(0, Proc.run(null, "chmod", "0400", control.resolve("authusers").toString()).exit());

        Process authd = service("qmail-authd", null, 0);
        Path socket = root.resolve("authd/socket");
        for (int i = 0; i < 300 && !Files.exists(socket); i++) {
            if (!authd.isAlive()) break;
            Thread.sleep(100);
        }
        assertTrue(Files.exists(socket), "qmail-authd did not start: " + Files.readString(logs.get(0)));
        smtp = freePort();
        awaitPort(service("qmail-smtpd", "PORT=25", smtp), smtp, logs.get(1));
        smtps = freePort();
        awaitPort(service("qmail-smtps", "PORT=465", smtps), smtps, logs.get(2));
        submission = freePort();
        awaitPort(service("qmail-submission", "PORT=587", submission), submission, logs.get(3));
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : services) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
        }
        for (Path p : scripts) Files.deleteIfExists(p);
        for (Path p : logs) Files.deleteIfExists(p);
        Proc.run(null, "userdel", USER);
        Path control = InstalledRoot.root().resolve("control");
        Files.deleteIfExists(control.resolve("authusers"));
        Files.deleteIfExists(control.resolve("smtpauth"));
        Files.deleteIfExists(control.resolve("timeoutsmtpauth"));
    }

    static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
    }

    /** The recipients of the one message queued since {@code before}. */
    static String queuedTodo(QueueFiles q, Set<String> before) throws Exception {
        Set<String> now = new HashSet<>(q.todo());
        now.removeAll(before);
        assertEquals(1, now.size(), "one new message: " + now);
        return read(q.todoOf(now.iterator().next()));
    }

    static List<String> swaks(int port, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1:" + port, "--local-interface", "127.0.0.2",
            "--from", "sender@example.net", "--to", "friend@elsewhere.example", "--body", "relayed after AUTH"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    @Test
    void theServiceMadeAPrivateSelfSignedCertificate() throws Exception {
        Path cert = InstalledRoot.root().resolve("control/servercert.pem");
        assertEquals("r--------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(cert)));
        assertEquals("qmaild", Files.getOwner(cert).getName());
        Proc.Result x = Proc.run(null, "openssl", "x509", "-in", cert.toString(), "-noout", "-subject");
        assertTrue(x.out().contains("CN = " + InstalledRoot.HOST), x.out());
    }

    @Test
    void chpasswdWroteYescrypt() throws Exception {
        String line = Files.readAllLines(Path.of("/etc/shadow")).stream().filter(l -> l.startsWith(USER + ":")).findFirst().orElseThrow();
        assertTrue(line.startsWith(USER + ":$y$"), "Debian's default hash");
    }

    @Test
    void swaksStarttlsAuthPlainAsASystemUserMayRelay() throws Exception {
        QueueFiles q = new QueueFiles(InstalledRoot.root());
        Set<String> before = q.todo();
        Proc.Result r = Proc.run(null, swaks(smtp, "--tls", "--auth", "PLAIN", "--auth-user", USER, "--auth-password", PASS));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("<-  220 ready for tls"), r.out());
        assertTrue(r.out().contains("<~  235 ok, go ahead (#2.0.0)"), r.out());
        assertTrue(queuedTodo(q, before).endsWith("Tfriend@elsewhere.example\0"));
    }

    @Test
    void aWrongSystemPasswordIsRefusedAndNobodyRelays() throws Exception {
        QueueFiles q = new QueueFiles(InstalledRoot.root());
        Set<String> before = q.todo();
        Proc.Result r = Proc.run(null, swaks(smtp, "--tls", "--auth", "LOGIN", "--auth-user", USER, "--auth-password", "not-" + PASS));
        assertTrue(r.exit() != 0);
        assertTrue(r.out().contains("<~* 535 authorization failed (#5.7.0)"), r.out());
        Proc.Result root = Proc.run(null, swaks(smtp, "--tls", "--auth", "PLAIN", "--auth-user", "root", "--auth-password", "x"));
        assertTrue(root.out().contains("535 authorization failed"), "root is never offered: " + root.out());
        assertEquals(before, q.todo());
    }

    @Test
    void swaksImplicitTlsWithLogin() throws Exception {
        QueueFiles q = new QueueFiles(InstalledRoot.root());
        Set<String> before = q.todo();
        Proc.Result r = Proc.run(null, swaks(smtps, "--tlsc", "--auth", "LOGIN", "--auth-user", USER, "--auth-password", PASS));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("<~  235 ok, go ahead"), r.out());
        String mess = queuedTodo(q, before);
        assertTrue(mess.endsWith("Tfriend@elsewhere.example\0"));
    }

    @Test
    void swaksCramMd5AsAVirtualUserWithoutTls() throws Exception {
        QueueFiles q = new QueueFiles(InstalledRoot.root());
        Set<String> before = q.todo();
        Proc.Result r = Proc.run(null, swaks(smtp, "--auth", "CRAM-MD5", "--auth-user", VIRTUAL, "--auth-password", VPASS));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("<-  235 ok, go ahead"), r.out());
        assertTrue(queuedTodo(q, before).endsWith("Tfriend@elsewhere.example\0"));
        // swaks will not send PLAIN where it is not offered; a client that does gets 538
        String py = String.join("\n",
            "import socket, base64, sys",
            "s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=30)",
            "f = s.makefile('rb')",
            "f.readline()",
            "s.sendall(b'AUTH PLAIN ' + base64.b64encode(b'\\0' + sys.argv[2].encode() + b'\\0' + sys.argv[3].encode()) + b'\\r\\n')",
            "print(f.readline().decode().strip())",
            "s.sendall(b'QUIT\\r\\n')",
            "print(f.readline().decode().strip())");
        Proc.Result plain = Proc.run(null, "python3", "-c", py, Integer.toString(smtp), VIRTUAL, VPASS);
        assertEquals("538 encryption required for requested authentication mechanism (#5.7.11)\n221 " + InstalledRoot.HOST + "\n",
            plain.out(), plain.err());
    }

    @Test
    void pythonSubmissionNeedsTlsAndAuth() throws Exception {
        QueueFiles q = new QueueFiles(InstalledRoot.root());
        Set<String> before = q.todo();
        String py = String.join("\n",
            "import smtplib, ssl, sys",
            "s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=30)",
            "s.ehlo('py.example')",
            "code, msg = s.mail('early@example.net')",
            "assert code == 530, (code, msg)",
            "s.rset()",
            "ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE",
            "s.starttls(context=ctx)",
            "s.ehlo('py.example')",
            "assert s.has_extn('auth') and 'PLAIN' in s.esmtp_features['auth'], s.esmtp_features",
            "code, msg = s.mail('early@example.net')",
            "assert code == 530 and b'authentication required' in msg, (code, msg)",
            "s.rset()",
            "s.login(sys.argv[2], sys.argv[3])",
            "refused = s.sendmail('" + HASHED + "', ['far@elsewhere.example'], b'Subject: submitted\\r\\n\\r\\nhi\\r\\n')",
            "assert refused == {}, refused",
            "print(s.quit())");
        Proc.Result r = Proc.run(null, "python3", "-c", py, Integer.toString(submission), HASHED, HPASS);
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(queuedTodo(q, before).endsWith("F" + HASHED + "\0Tfar@elsewhere.example\0"));
    }

    @Test
    void submissionGivesLocalhostNoFreeRelay() throws Exception {
        String py = String.join("\n",
            "import smtplib, ssl, sys",
            "s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=30)",
            "ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE",
            "s.starttls(context=ctx)",
            "code, msg = s.mail('x@example.net')",
            "print(code)");
        Proc.Result r = Proc.run(null, "python3", "-c", py, Integer.toString(submission));
        assertEquals("530", r.out().strip(), r.err());
    }

    @Test
    void opensslStarttls() throws Exception {
        Proc.Result r = Proc.run("EHLO ossl.example\nQUIT\n".getBytes(StandardCharsets.US_ASCII), "openssl", "s_client", "-starttls", "smtp",
            "-connect", "127.0.0.1:" + smtp, "-crlf", "-ign_eof");
        assertTrue(r.out().matches("(?s).*Protocol\\s*:\\s*TLSv1\\.[23].*"), r.out());
        assertTrue(r.out().contains("250-AUTH LOGIN PLAIN CRAM-MD5"), r.out());
        assertTrue(r.out().contains("221 " + InstalledRoot.HOST), r.out());
        Proc.Result old = Proc.run(new byte[0], "openssl", "s_client", "-starttls", "smtp", "-connect", "127.0.0.1:" + smtp,
            "-tls1_1", "-ign_eof");
        assertTrue(old.out().contains("Cipher is (NONE)") && old.out().contains("no peer certificate available"),
            "no handshake with TLS 1.1: " + old.out());
    }

    @Test
    void aThousandFailedAttemptsEndAfterFive() throws Exception {
        // one attempt after the other, as a guesser must (AUTH is not pipelined); the fifth failure ends it
        String py = String.join("\n",
            "import socket, base64, sys, time",
            "s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=60)",
            "f = s.makefile('rb')",
            "f.readline()",
            "t = time.time()",
            "replies = []",
            "for i in range(1000):",
            "    s.sendall(b'AUTH CRAM-MD5\\r\\n')",
            "    line = f.readline()",
            "    if not line.startswith(b'334 '):",
            "        replies.append(line.decode().strip())",
            "        break",
            "    s.sendall(base64.b64encode(sys.argv[2].encode() + b' %032x' % i) + b'\\r\\n')",
            "    replies.append(f.readline().decode().strip())",
            "    if replies[-1].startswith('421'):",
            "        break",
            "print(round(time.time() - t))",
            "print(f.read() == b'')",
            "print('\\n'.join(replies))");
        Proc.Result r = Proc.run(null, "python3", "-c", py, Integer.toString(smtp), VIRTUAL);
        assertEquals(0, r.exit(), r.err());
        String[] out = r.out().split("\n", 3);
        assertEquals("True", out[1], "the server hung up");
        assertEquals("535 authorization failed (#5.7.0)\n".repeat(4) + "421 too many failed authentication attempts (#4.7.0)\n", out[2]);
        assertTrue(Integer.parseInt(out[0]) >= 9, "1+2+3+4 s of pauses: " + out[0]);
    }

    @Test
    void aHangingCheckerIsCutOff() throws Exception {
        Path control = InstalledRoot.root().resolve("control");
        Path hang = Files.createTempFile("hang", ".sh");
        try {
            Files.writeString(hang, "#!/bin/sh\nexec sleep 300\n");
            Files.setPosixFilePermissions(hang, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(control.resolve("smtpauth"), hang + "\n");
            Files.writeString(control.resolve("timeoutsmtpauth"), "2\n");
            long t0 = System.nanoTime();
            Proc.Result r = Proc.run(null, swaks(smtp, "--tls", "--auth", "PLAIN", "--auth-user", USER, "--auth-password", PASS));
            long s = (System.nanoTime() - t0) / 1_000_000_000L;
            assertTrue(r.out().contains("<~* 454 temporary authentication failure (#4.3.0)"), r.out());
            assertTrue(s < 30, s + " s");
            Thread.sleep(500);
            assertTrue(Proc.run(null, "pgrep", "-f", "^sleep 300$").out().isBlank(), "the checker was killed");
        } finally {
            Files.deleteIfExists(control.resolve("smtpauth"));
            Files.deleteIfExists(control.resolve("timeoutsmtpauth"));
            Files.deleteIfExists(hang);
        }
    }

    @Test
    void secretsNeverReachTheLogs() throws Exception {
        Proc.run(null, swaks(smtp, "--tls", "--auth", "PLAIN", "--auth-user", USER, "--auth-password", "wrong-" + PASS));
        Proc.run(null, swaks(smtp, "--auth", "CRAM-MD5", "--auth-user", VIRTUAL, "--auth-password", "wrong " + VPASS));
        for (Path log : logs) {
            String text = read(log);
            assertFalse(text.contains(PASS) || text.contains(VPASS) || text.contains(HPASS), log + ": " + text);
        }
    }
}
