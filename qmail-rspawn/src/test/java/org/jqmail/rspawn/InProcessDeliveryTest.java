package org.jqmail.rspawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Function;
import org.jqmail.common.ControlFile;
import org.jqmail.remote.RemoteRun;
import org.jqmail.spawn.Report;
import org.jqmail.spawn.SpawnLoop;
import org.jqmail.spawn.SpawnRequest;
import org.jqmail.spawn.Spawner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * qmail-rspawn's in-process deliveries through the spawn loop: qmail-remote's client in this JVM
 * against GreenMail and a scripted server, compared report for report with the spawned qmail-remote
 * program; many at once; what a crash, an unreadable message and control/qmailremote do.
 */
class InProcessDeliveryTest {
    static final Spawner SPAWNER = RemoteDeliveryTest.SPAWNER;
    static final List<byte[]> ENV = List.of("PATH=/usr/bin:/bin".getBytes(StandardCharsets.US_ASCII));

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());

    @TempDir Path root;
    int uid;

    @BeforeEach
    void setUp() throws Exception {
        Path mess = Files.createDirectories(root.resolve("queue/mess/5"));
        Files.writeString(mess.resolve("28"), "Subject: hi\n\n.dot\nbody\n");
        uid = (Integer) Files.getAttribute(mess.resolve("28"), "unix:uid");
        Files.createDirectories(root.resolve("queue/lock"));
        Files.write(root.resolve("queue/lock/tcpto"), new byte[1024]);
        Files.createDirectories(root.resolve("control"));
        Files.writeString(root.resolve("control/helohost"), "helo.example.net\n");
        Files.writeString(root.resolve("control/dnsip"), "127.0.0.1:9\n");
    }

    void route(int port) throws IOException {
        Files.writeString(root.resolve("control/smtproutes"), "example.com:127.0.0.1:" + port + "\n");
    }

    InProcessDelivery inProcess() {
        return new InProcessDelivery(new RemoteRun(root, null));
    }

    /** The default worker of qmail-rspawn's Main (no $QMAILREMOTE). */
    RemoteWorker worker() {
        return new RemoteWorker(new ControlFile(root.resolve("control")), inProcess(),
            program -> new RemoteDelivery(SPAWNER, program, ENV));
    }

    /** Requests (slot, recipient; message 5/28, sender alice@example.net) through the loop; the reports. */
    String run(SpawnLoop.Worker w, String... slotAndRecipient) throws Exception {
        StringBuilder req = new StringBuilder();
        for (int i = 0; i < slotAndRecipient.length; i += 2) {
            req.append((char) Integer.parseInt(slotAndRecipient[i])).append("5/28\0alice@example.net\0")
                .append(slotAndRecipient[i + 1]).append('\0');
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SpawnLoop(SPAWNER, root.resolve("queue/mess"), uid, w, out)
            .run(new ByteArrayInputStream(req.toString().getBytes(StandardCharsets.ISO_8859_1)));
        byte[] all = out.toByteArray();
        assertEquals(SpawnLoop.SLOTS, all[0] & 0xff, "hello byte");
        return new String(all, 1, all.length - 1, StandardCharsets.ISO_8859_1);
    }

    /** A qmail-remote that is the real program: Main in a JVM of its own with this test's class path. */
    Path realQmailRemote() throws IOException {
        Path p = root.resolve("qmail-remote");
        Files.writeString(p, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
            + System.getProperty("java.class.path") + "' -Djqmail.root='" + root + "' org.jqmail.remote.Main \"$@\"\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    @Test
    void deliversToGreenMail() throws Exception {
        route(greenMail.getSmtp().getPort());
        String r = run(worker(), "3", "joe@example.com");
        assertTrue(r.startsWith("\u0003K127.0.0.1 accepted message.\nRemote host said: 250 "), r);
        assertTrue(r.endsWith("\n\0"), r);
        MimeMessage[] got = greenMail.getReceivedMessages();
        assertEquals(1, got.length);
        assertEquals("hi", got[0].getSubject());
    }

    @Test
    void refusalsAndFailuresAreReportedAsForTheProgram() throws Exception {
        try (ScriptedSmtp s = new ScriptedSmtp(ScriptedSmtp.replying("RCPT", "450 try later\r\n"))) {
            route(s.port());
            assertEquals("\u0000Z127.0.0.1 does not like recipient.\nRemote host said: 450 try later\n"
                + "Giving up on 127.0.0.1.\n\0", run(worker(), "0", "joe@example.com"));
        }
        try (ScriptedSmtp s = new ScriptedSmtp(ScriptedSmtp.replying("RCPT", "550 no such user\r\n"))) {
            route(s.port());
            assertEquals("\u0000D127.0.0.1 does not like recipient.\nRemote host said: 550 no such user\n"
                + "Giving up on 127.0.0.1.\n\0", run(worker(), "0", "joe@example.com"));
        }
        int closed;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = ss.getLocalPort();
        }
        route(closed);
        assertEquals("\u0000ZSorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n\0",
            run(worker(), "0", "joe@example.com"));
    }

    @Test
    void reportsEqualThoseOfTheSpawnedProgram() throws Exception {
        Path program = realQmailRemote();
        RemoteDelivery spawned = new RemoteDelivery(SPAWNER, program.toString().getBytes(StandardCharsets.ISO_8859_1), ENV);
        List<Function<String, String>> scripts = List.of(ScriptedSmtp.replying("NOOP", ""),
            ScriptedSmtp.replying("RCPT", "451 later\r\n"), ScriptedSmtp.replying("RCPT", "553 no\r\n"),
            ScriptedSmtp.replying("MAIL", "452 full\r\n"), ScriptedSmtp.replying("DATA", "554 no data\r\n"),
            ScriptedSmtp.replying(".", "452 too big today\r\n"), ScriptedSmtp.replying("EHLO", "550 who\r\n"));
        for (Function<String, String> script : scripts) {
            try (ScriptedSmtp s = new ScriptedSmtp(script)) {
                route(s.port());
                String mine = run(worker(), "9", "joe@example.com");
                assertEquals(run(spawned, "9", "joe@example.com"), mine);
            }
        }
        Files.writeString(root.resolve("control/smtproutes"), "example.com:[127.0.0.1]:1\n");
        assertEquals(run(spawned, "1", "joe@example.com"), run(worker(), "1", "joe@example.com"));
        assertEquals(run(spawned, "1", "joe@example.com"), run(worker(), "1", "joe@example.com"));
        Files.delete(root.resolve("control/helohost"));
        assertEquals("\u0001ZUnable to read control files. (#4.3.0)\n\0", run(worker(), "1", "joe@example.com"));
        assertEquals(run(spawned, "1", "joe@example.com"), run(worker(), "1", "joe@example.com"));
    }

    @Test
    void manyDeliveriesAtOnce() throws Exception {
        route(greenMail.getSmtp().getPort());
        String[] req = new String[2 * 16];
        for (int i = 0; i < 16; i++) {
            req[2 * i] = String.valueOf(i);
            req[2 * i + 1] = "rcpt" + i + "@example.com";
        }
        String r = run(worker(), req);
        for (int i = 0; i < 16; i++) {
            assertTrue(r.contains((char) i + "K127.0.0.1 accepted message.\nRemote host said: 250 "), "slot " + i + ": " + r);
        }
        assertEquals(16, r.split("accepted message", -1).length - 1, r);
        assertEquals(16, greenMail.getReceivedMessages().length);
    }

    @Test
    void anythingThrownIsATemporaryFailureAndTheLoopGoesOn() throws Exception {
        InProcessDelivery.Call call = (args, message, report) -> {
            switch (args.get(2)) {
                case "oom@x" -> throw new OutOfMemoryError("test");
                case "bug@x" -> throw new IllegalStateException("test");
                default -> {
                    try {
                        report.write("r\0Kfine\0".getBytes(StandardCharsets.ISO_8859_1));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                    return 0;
                }
            }
        };
        String r = run(new InProcessDelivery(call), "1", "oom@x", "2", "bug@x", "3", "ok@x");
        assertTrue(r.contains("\u0001Zqmail-remote crashed.\n\0"), r);
        assertTrue(r.contains("\u0002Zqmail-remote crashed.\n\0"), r);
        assertTrue(r.contains("\u0003Kfine\0"), r);
        // a second round in the same slots: none of them was left busy
        r = run(new InProcessDelivery(call), "1", "ok@x", "2", "ok@x");
        assertTrue(r.contains("\u0001Kfine\0") && r.contains("\u0002Kfine\0"), r);
    }

    @Test
    void anUnreadableMessageIsTemporary() {
        SpawnRequest req = new SpawnRequest(0, "5/28".getBytes(StandardCharsets.US_ASCII),
            "a@b".getBytes(StandardCharsets.US_ASCII), "j@x".getBytes(StandardCharsets.US_ASCII), false);
        Report r = inProcess().deliver(req, 999_999, 1); // no such descriptor
        assertEquals("ZUnable to read message. (#4.3.0)\n", r.toString());
    }

    @Test
    void controlQmailremoteChoosesTheSpawningPath() throws Exception {
        Path fake = root.resolve("fake-remote");
        Files.writeString(fake, "#!/bin/sh\nprintf 'r\\0Kspawned %s %s %s\\0' \"$1\" \"$2\" \"$3\"\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        Path control = root.resolve("control/qmailremote");
        Files.writeString(control, fake + "\n");
        assertEquals("\u0004Kspawned example.com alice@example.net joe@example.com\0", run(worker(), "4", "joe@example.com"));
        Files.writeString(control, "\n"); // empty: in-process
        route(greenMail.getSmtp().getPort());
        assertTrue(run(worker(), "4", "joe@example.com").startsWith("\u0004K127.0.0.1 accepted message."));
        Files.delete(control);
        assertTrue(run(worker(), "4", "joe@example.com").startsWith("\u0004K127.0.0.1 accepted message."));
        Files.createDirectory(control); // exists, cannot be read
        assertEquals("\u0004ZUnable to read control files. (#4.3.0)\n\0", run(worker(), "4", "joe@example.com"));
    }

    @Test
    void aLargeMessageIsStreamedNotLoaded() throws Exception {
        int size = 32 * 1024 * 1024;
        Path big = root.resolve("queue/mess/5/29");
        try (OutputStream o = Files.newOutputStream(big)) {
            byte[] line = "0123456789012345678901234567890123456789012345678901234567890123456789012\n"
                .getBytes(StandardCharsets.US_ASCII);
            o.write("Subject: big\n\n".getBytes(StandardCharsets.US_ASCII));
            for (int n = 0; n < size; n += line.length) o.write(line);
        }
        int fd = SPAWNER.openRead(big);
        try (ScriptedSmtp s = new ScriptedSmtp(ScriptedSmtp.replying("NOOP", ""))) {
            route(s.port());
            SpawnRequest req = new SpawnRequest(0, "5/29".getBytes(StandardCharsets.US_ASCII),
                "a@b".getBytes(StandardCharsets.US_ASCII), "j@example.com".getBytes(StandardCharsets.US_ASCII), false);
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            Report r = inProcess().deliver(req, fd, 1);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals("K127.0.0.1 accepted message.\nRemote host said: 250 ok queued\n", r.toString());
            assertTrue(allocated < size / 4, "allocated " + allocated + " bytes for a " + size + "-byte message");
        } finally {
            SPAWNER.close(fd);
        }
    }

    @Test
    void boundedOutputKeepsAtMostItsLimit() {
        BoundedOutput o = new BoundedOutput();
        o.write(new byte[BoundedOutput.LIMIT - 1], 0, BoundedOutput.LIMIT - 1);
        o.write('x');
        o.write('y');
        o.append(new byte[10], 10);
        assertEquals(BoundedOutput.LIMIT, o.bytes().length);
        assertEquals('x', o.bytes()[BoundedOutput.LIMIT - 1]);
    }
}
