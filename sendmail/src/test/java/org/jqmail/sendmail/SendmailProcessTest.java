package org.jqmail.sendmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/sendmail as a process: a JVM with this module's class path, a root with stand-ins for qmail-queue
 * (QMAILQUEUE, recording fd 0 and fd 1), qmail-smtpd and qmail-qread (recording their arguments,
 * environment and working directory).
 */
class SendmailProcessTest {
    @TempDir
    Path tmp;
    Path root;
    Path rec;

    @BeforeEach
    void setUp() throws Exception {
        root = tmp.resolve("root");
        rec = Files.createDirectories(tmp.resolve("rec"));
        Files.createDirectories(root.resolve("control"));
        Files.createDirectories(root.resolve("bin"));
        Files.writeString(root.resolve("control/me"), "mail.example.com\n");
        script(tmp.resolve("fake-qq"), "cat > '" + rec + "/message'\ncat <&1 > '" + rec + "/envelope'\n"
            + "exit $(cat '" + rec + "/code' 2>/dev/null || echo 0)\n");
        for (String p : new String[] {"qmail-smtpd", "qmail-qread"}) {
            script(root.resolve("bin/" + p), "pwd > '" + rec + "/" + p + ".cwd'\nenv > '" + rec + "/" + p + ".env'\n"
                + "cat > '" + rec + "/" + p + ".in'\necho " + p + " speaking\nexit 7\n");
        }
    }

    private static void script(Path p, String body) throws Exception {
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    record Run(int exit, String out, String err) {}

    private Run sendmail(String stdin, String main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED", "-Djqmail.root=" + root, "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("QMAILQUEUE", tmp.resolve("fake-qq").toString());
        pb.environment().put("USER", "joe");
        pb.environment().remove("PROTO");
        pb.redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
        pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        if (stdin != null) {
            try (var o = p.getOutputStream()) {
                o.write(stdin.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), Files.readString(tmp.resolve("out")), Files.readString(tmp.resolve("err")));
    }

    private String recorded(String name) throws Exception {
        return Files.readString(rec.resolve(name), StandardCharsets.ISO_8859_1);
    }

    @Test
    void dashTQueuesWithTheHeaderRecipientsAndQmailsFixes() throws Exception {
        Run r = sendmail("To: bob\nSubject: t\n\nhi\n", "org.jqmail.sendmail.Main", "-t", "-i", "-oem");
        assertEquals(0, r.exit(), r.err());
        assertEquals("Fjoe@mail.example.com\0Tbob@mail.example.com\0\0", recorded("envelope"));
        assertTrue(recorded("message").matches("(?s)Date: .*\nMessage-ID: <\\d{14}\\.\\d+\\.qmail@mail\\.example\\.com>\n"
            + "From: joe@mail\\.example\\.com\nTo: bob@mail\\.example\\.com\nSubject: t\n\nhi\n"), recorded("message"));
    }

    @Test
    void senderAndNameMakeTheFromField() throws Exception {
        Run r = sendmail("Subject: t\n\nhi\n", "org.jqmail.sendmail.Main", "-F", "Joe Public", "-f", "joe@lists.example.org", "ann");
        assertEquals(0, r.exit(), r.err());
        assertEquals("Fjoe@lists.example.org\0Tann@mail.example.com\0\0", recorded("envelope"));
        assertTrue(recorded("message").contains("\nFrom: \"Joe Public\" <joe@lists.example.org>\n"), recorded("message"));
    }

    @Test
    void qmailQueueFailuresKeepTheirClass() throws Exception {
        Files.writeString(rec.resolve("code"), "31");
        Run r = sendmail("To: a\n\n", "org.jqmail.sendmail.Main", "-t");
        assertEquals(100, r.exit());
        assertEquals("qmail-inject: fatal: mail server permanently rejected message (#5.3.0)\n", r.err());
        Files.writeString(rec.resolve("code"), "71");
        r = sendmail("To: a\n\n", "org.jqmail.sendmail.Main", "-t");
        assertEquals(111, r.exit());
        assertEquals("qmail-inject: fatal: mail server temporarily rejected message (#4.3.0)\n", r.err());
    }

    @Test
    void bsRunsQmailSmtpdOnOurFdsWithALocalEnvironment() throws Exception {
        Run r = sendmail("HELO x\r\nQUIT\r\n", "org.jqmail.sendmail.Main", "-bs");
        assertEquals(7, r.exit(), "its exit code is ours");
        assertEquals("qmail-smtpd speaking\n", r.out());
        assertEquals("HELO x\r\nQUIT\r\n", recorded("qmail-smtpd.in"));
        assertEquals(root.toRealPath() + "\n", recorded("qmail-smtpd.cwd"));
        String env = recorded("qmail-smtpd.env");
        for (String v : new String[] {"RELAYCLIENT=\n", "PROTO=TCP\n", "TCPREMOTEIP=127.0.0.1\n", "TCPREMOTEINFO=sendmail-bs\n",
            "DATABYTES=0\n"}) {
            assertTrue(env.contains("\n" + v) || env.startsWith(v), v + " in " + env);
        }
    }

    @Test
    void bpAndMailqRunQmailQread() throws Exception {
        Run r = sendmail(null, "org.jqmail.sendmail.Main", "-bp");
        assertEquals(7, r.exit());
        assertEquals("qmail-qread speaking\n", r.out());
        r = sendmail(null, "org.jqmail.sendmail.Mailq");
        assertEquals(7, r.exit());
        assertEquals("qmail-qread speaking\n", r.out());
        r = sendmail(null, "org.jqmail.sendmail.Mailq", "-z");
        assertEquals(100, r.exit());
    }

    @Test
    void aMissingProgramIsTemporary() throws Exception {
        Files.delete(root.resolve("bin/qmail-qread"));
        Run r = sendmail(null, "org.jqmail.sendmail.Main", "-bp");
        assertEquals(111, r.exit());
        assertEquals("sendmail: fatal: unable to run qmail-qread\n", r.err());
    }

    @Test
    void usageAndQueueRuns() throws Exception {
        Run r = sendmail(null, "org.jqmail.sendmail.Main", "-bd");
        assertEquals(100, r.exit());
        assertEquals(SendmailArgs.USAGE + "\n", r.err());
        assertEquals(0, sendmail(null, "org.jqmail.sendmail.Main", "-q").exit());
    }
}
