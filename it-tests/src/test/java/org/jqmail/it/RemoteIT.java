package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed qmail-remote as qmail-rspawn runs it (user qmailr, message on fd 0, reports on fd 1)
 * against GreenMail through control/smtproutes; then qmail-rspawn itself, speaking the spawn protocol,
 * with a message in the queue owned by qmailq; and qmail-tcpto / qmail-tcpok on the installed table.
 */
@ExtendWith(InstalledRoot.class)
class RemoteIT {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());

    @TempDir Path tmp;
    Path routes;

    static final String BODY = "From: alice@example.net\nTo: joe@example.com\nSubject: remote it\n\n.dot\nbody \u00e9\n";

    @BeforeEach
    void route() throws Exception {
        routes = InstalledRoot.root().resolve("control/smtproutes");
        Files.writeString(routes, "example.com:127.0.0.1:" + greenMail.getSmtp().getPort() + "\n");
        Files.setPosixFilePermissions(routes, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @AfterEach
    void unroute() throws Exception {
        Files.deleteIfExists(routes);
    }

    private Path message() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path m = tmp.resolve("msg");
        Files.write(m, BODY.getBytes(StandardCharsets.ISO_8859_1));
        Files.setPosixFilePermissions(m, PosixFilePermissions.fromString("rw-r--r--"));
        return m;
    }

    private static void assertArrived() throws Exception {
        MimeMessage[] got = greenMail.getReceivedMessages();
        assertEquals(1, got.length);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        got[0].writeTo(raw);
        byte[] stored = raw.toByteArray();
        byte[] wire = BODY.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] sent = Arrays.copyOf(wire, wire.length - 2); // GreenMail drops the CRLF before the dot
        assertArrayEquals(sent, Arrays.copyOfRange(stored, stored.length - sent.length, stored.length));
    }

    @Test
    void qmailRemoteAsQmailrDeliversToGreenMail() throws Exception {
        String bin = InstalledRoot.root().resolve("bin/qmail-remote").toString();
        Proc.Result r = Proc.sh("exec setpriv --reuid=qmailr --regid=qmail --clear-groups -- \"$1\" example.com"
            + " alice@example.net joe@example.com < \"$2\"", bin, message().toString());
        assertEquals(0, r.exit());
        assertEquals("", r.err());
        assertTrue(r.out().startsWith("r\0K127.0.0.1 accepted message.\nRemote host said: 250 "), r.out());
        assertTrue(r.out().endsWith("\n\0"), r.out());
        assertArrived();
    }

    @Test
    void qmailRemoteReportsAnUnknownHostPermanently() throws Exception {
        Files.writeString(routes, "example.com:host.invalid\n");
        Path dnsip = InstalledRoot.root().resolve("control/dnsip");
        Files.writeString(dnsip, "127.0.0.1:9\n"); // nothing answers: a soft DNS failure
        try {
            String bin = InstalledRoot.root().resolve("bin/qmail-remote").toString();
            Proc.Result r = Proc.sh("exec setpriv --reuid=qmailr --regid=qmail --clear-groups -- \"$1\" example.com"
                + " a@b joe@example.com < /dev/null", bin);
            assertEquals(0, r.exit());
            assertEquals("ZSorry, I couldn't find any host by that name. (#4.1.2)\n\0", r.out());
        } finally {
            Files.deleteIfExists(dnsip);
        }
    }

    @Test
    void qmailRspawnRunsQmailRemoteForQmailSend() throws Exception {
        Path root = InstalledRoot.root();
        long n = 990_001 + (System.nanoTime() & 0xfff);
        Path mess = root.resolve("queue/mess/" + (n % 23) + "/" + n);
        Files.write(mess, BODY.getBytes(StandardCharsets.ISO_8859_1));
        Proc.run(null, "chown", "qmailq:qmail", mess.toString());
        Proc.run(null, "chmod", "0640", mess.toString());
        try {
            byte[] request = ("\u0007" + (n % 23) + "/" + n + "\0alice@example.net\0joe@example.com\0")
                .getBytes(StandardCharsets.ISO_8859_1);
            Proc.Result r = Proc.run(request, "setpriv", "--reuid=qmailr", "--regid=qmail", "--clear-groups", "--",
                root.resolve("bin/qmail-rspawn").toString());
            assertEquals(0, r.exit(), r.err());
            assertEquals('x', r.out().charAt(0), "hello: 120 slots");
            assertTrue(r.out().startsWith("x\u0007K127.0.0.1 accepted message.\nRemote host said: 250 "), r.out());
            assertTrue(r.out().endsWith("\0"));
            assertArrived();
        } finally {
            Files.deleteIfExists(mess);
        }
    }

    @Test
    void qmailTcptoAndTcpok() throws Exception {
        Path root = InstalledRoot.root();
        Path table = root.resolve("queue/lock/tcpto");
        byte[] rec = new byte[1024];
        rec[0] = (byte) 192; rec[2] = 2; rec[3] = 9; rec[4] = 3;
        long when = System.currentTimeMillis() / 1000 - 100;
        for (int i = 0; i < 4; i++) rec[8 + i] = (byte) (when >> (8 * i));
        Files.write(table, rec);
        Proc.Result r = Proc.run(null, root.resolve("bin/qmail-tcpto").toString());
        assertEquals(0, r.exit());
        assertTrue(r.out().matches("192\\.0\\.2\\.9 timed out 10[0-9] seconds ago; # recent timeouts: 3\n"), r.out());
        assertEquals(0, Proc.run(null, root.resolve("bin/qmail-tcpok").toString()).exit());
        assertArrayEquals(new byte[1024], Files.readAllBytes(table));
        assertEquals("", Proc.run(null, root.resolve("bin/qmail-tcpto").toString()).out());
    }
}
