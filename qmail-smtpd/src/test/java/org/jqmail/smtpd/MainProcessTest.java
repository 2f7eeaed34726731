package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * qmail-smtpd as tcpserver runs it: its own JVM, the client on fd 0 and fd 1, a real qmail-queue
 * stand-in ($QMAILQUEUE, a shell script that keeps what it reads on fd 0 and fd 1).
 */
class MainProcessTest {
    @TempDir
    Path tmp;
    private Path root;
    private Path qq;

    @BeforeEach
    void makeRoot() throws IOException {
        root = tmp.resolve("root");
        Files.createDirectories(root.resolve("control"));
        Files.writeString(root.resolve("control/me"), "mx.example\n");
        Files.writeString(root.resolve("control/rcpthosts"), "mx.example\n");
        qq = tmp.resolve("qq");
        Files.writeString(qq, "#!/bin/sh\ncat > '" + tmp + "/msg'\ncat <&1 > '" + tmp + "/env'\nexit 0\n");
        Files.setPosixFilePermissions(qq, PosixFilePermissions.fromString("rwx------"));
    }

    private Process start(Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED",
            "-Djqmail.root=" + root, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(tmp.resolve("stderr").toFile());
        pb.environment().put("QMAILQUEUE", qq.toString());
        pb.environment().put("TCPREMOTEIP", "192.0.2.9");
        pb.environment().put("TCPLOCALHOST", "mx.example");
        pb.environment().remove("RELAYCLIENT");
        pb.environment().putAll(env);
        return pb.start();
    }

    private record Run(int exit, String replies) {}

    private Run session(String input, Map<String, String> env) throws Exception {
        Process p = start(env);
        try (OutputStream in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.ISO_8859_1));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    private byte[] file(String name) throws IOException {
        Path p = tmp.resolve(name);
        return Files.exists(p) ? Files.readAllBytes(p) : new byte[0];
    }

    @Test
    void aMessageGoesThroughQmailQueue() throws Exception {
        Run r = session("EHLO c.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\nSubject: s\r\n\r\nhi\r\n.\r\nQUIT\r\n",
            Map.of("DATABYTES", "1000"));
        assertEquals(0, r.exit(), r.replies());
        assertTrue(r.replies().matches("220 mx.example ESMTP\r\n250-mx.example\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 1000\r\n"
            + "250 ok\r\n250 ok\r\n354 go ahead\r\n250 ok \\d+ qp \\d+\r\n221 mx.example\r\n"), r.replies());
        String msg = new String(file("msg"), StandardCharsets.ISO_8859_1);
        assertTrue(msg.matches("Received: from unknown \\(HELO c.example\\) \\(192.0.2.9\\)\n  by mx.example with SMTP; .* -0000\nSubject: s\n\nhi\n"), msg);
        assertArrayEquals("Fa@b.example\0Tjoe@mx.example\0\0".getBytes(StandardCharsets.ISO_8859_1), file("env"));
    }

    @Test
    void aClientThatStallsMidDataGetsTheTimeoutAndNothingIsQueued() throws Exception {
        Files.writeString(root.resolve("control/timeoutsmtpd"), "1\n");
        Process p = start(Map.of());
        OutputStream in = p.getOutputStream();
        in.write("MAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\nSubject: stalled\r\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
        long t0 = System.nanoTime();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        in.close();
        assertEquals("220 mx.example ESMTP\r\n250 ok\r\n250 ok\r\n354 go ahead\r\n451 timeout (#4.4.2)\r\n", out);
        assertEquals(1, p.exitValue());
        assertTrue(ms >= 900 && ms < 20_000, ms + " ms");
        // qmail-queue got no envelope: a real one exits 54 and queues nothing
        for (int i = 0; i < 100 && !Files.exists(tmp.resolve("env")); i++) Thread.sleep(50);
        assertArrayEquals(new byte[0], file("env"));
    }

    @Test
    void aDisconnectMidDataGivesQmailQueueNoEnvelope() throws Exception {
        Run r = session("MAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\nSubject: cut\r\n", Map.of());
        assertEquals(1, r.exit());
        assertArrayEquals(new byte[0], file("env"));
    }

    @Test
    void aMessageOverDatabytesIsRefusedAndNotQueued() throws Exception {
        Files.writeString(root.resolve("control/databytes"), "5\n");
        Run r = session("MAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\n123456\r\n.\r\nQUIT\r\n", Map.of());
        assertTrue(r.replies().endsWith("354 go ahead\r\n552 sorry, that message size exceeds my databytes limit (#5.3.4)\r\n221 mx.example\r\n"),
            r.replies());
        assertArrayEquals(new byte[0], file("env"));
    }

    @Test
    void aBareLfDropsTheConnectionWithQmailsAnswer() throws Exception {
        Run r = session("MAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\nx\n.\nQUIT\r\n", Map.of());
        assertEquals(1, r.exit());
        assertTrue(r.replies().endsWith("354 go ahead\r\n451 See http://pobox.com/~djb/docs/smtplf.html.\r\n"), r.replies());
        assertArrayEquals(new byte[0], file("env"));
    }

    @Test
    void withoutMeOrSmtpgreetingItRefusesToRun() throws Exception {
        Files.delete(root.resolve("control/me"));
        Run r = session("QUIT\r\n", Map.of());
        assertEquals(new Run(1, "421 unable to read controls (#4.3.0)\r\n"), r);
        Files.writeString(root.resolve("control/me"), "mx.example\n");
        Files.writeString(root.resolve("control/databytes"), "lots\n");
        assertEquals(new Run(1, "421 unable to read controls (#4.3.0)\r\n"), session("QUIT\r\n", Map.of()));
    }

    @Test
    void smtpgreetingIsUsedAndAnUnstartableQmailQueueIsATemporaryFailure() throws Exception {
        Files.writeString(root.resolve("control/smtpgreeting"), "mail.example hello\n");
        Run r = session("MAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example>\r\nDATA\r\nx\r\n.\r\nQUIT\r\n",
            Map.of("QMAILQUEUE", tmp.resolve("missing").toString()));
        assertEquals("220 mail.example hello ESMTP\r\n250 ok\r\n250 ok\r\n354 go ahead\r\n451 unable to exec qq (#4.3.0)\r\n"
            + "221 mail.example hello\r\n", r.replies());
    }
}
