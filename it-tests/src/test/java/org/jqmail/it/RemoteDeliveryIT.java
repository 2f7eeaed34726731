package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote delivery through the whole system: a message injected with qmail-queue, scheduled by the
 * running qmail-send, handed to qmail-rspawn and sent by qmail-remote (all as their users) to GreenMail
 * as a real third-party SMTP server, found through control/smtproutes or through a real MX record that
 * dnsmasq serves on 127.0.0.1 (control/dnsip). A remote refusal bounces to the (local) sender.
 */
@ExtendWith(InstalledRoot.class)
class RemoteDeliveryIT {
    static final int UID = 64126;
    static final String HOST = InstalledRoot.HOST;

    /**
     * On 127.0.0.2: an MX that resolves to 127.0.0.1 is qmail-remote's own address ("I'm listed as a
     * best-preference MX", #5.4.6), as it should be.
     */
    static final String PEER = "127.0.0.2";

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(new ServerSetup(0, PEER, "smtp").dynamicPort());

    @TempDir
    static Path tmp;
    static Path root;
    static Path home;
    static QueueService queue;
    static Process dnsmasq;
    static int dnsPort;

    @BeforeAll
    static void start() throws Exception {
        root = InstalledRoot.root();
        home = TestUser.create(tmp, "rd", UID, java.util.Map.of()).home();
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            dnsPort = s.getLocalPort();
        }
        dnsmasq = new ProcessBuilder("/usr/sbin/dnsmasq", "--no-daemon", "--port=" + dnsPort, "--listen-address=127.0.0.1",
            "--bind-interfaces", "--no-resolv", "--no-hosts", "--mx-host=mx-test.example,mail.mx-test.example,10",
            "--host-record=mail.mx-test.example," + PEER).redirectErrorStream(true)
            .redirectOutput(tmp.resolve("dnsmasq.log").toFile()).start();
        queue = QueueService.start(root, tmp);
    }

    @AfterAll
    static void stop() throws Exception {
        if (queue != null) queue.close();
        if (dnsmasq != null) {
            dnsmasq.destroy();
            dnsmasq.waitFor();
        }
        Files.deleteIfExists(root.resolve("control/smtproutes"));
        Files.deleteIfExists(root.resolve("control/dnsip"));
    }

    @BeforeEach
    void clean() throws Exception {
        greenMail.purgeEmailFromAllMailboxes();
    }

    static void routes(String lines) throws Exception {
        Path p = root.resolve("control/smtproutes");
        Files.writeString(p, lines);
        Proc.sh("chmod 644 '" + p + "'");
    }

    static void inject(String sender, String recipient, String message) throws Exception {
        Path msg = Files.writeString(Files.createTempFile(tmp, "msg", ""), message);
        Path env = Files.write(Files.createTempFile(tmp, "env", ""),
            ("F" + sender + "\0T" + recipient + "\0\0").getBytes(StandardCharsets.ISO_8859_1));
        Proc.sh("chmod 644 '" + msg + "' '" + env + "'");
        Proc.Result r = QueueInjectionIT.inject("nobody", msg, env);
        assertEquals(0, r.exit(), r.err());
    }

    static String body(MimeMessage m) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        m.writeTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void throughSmtproutesToGreenMail() throws Exception {
        routes("routed.example:" + PEER + ":" + greenMail.getSmtp().getPort() + "\n");
        inject("alice@example.org", "bob@routed.example", "Subject: routed\n\nvia smtproutes\n");
        queue.await("GreenMail has it", () -> greenMail.getReceivedMessages().length == 1);
        MimeMessage m = greenMail.getReceivedMessages()[0];
        assertEquals("routed", m.getSubject());
        assertTrue(body(m).contains("\r\nReceived: (qmail "), body(m));
        queue.await("the success log line", () -> queue.log().matches(
            "(?s).*delivery \\d+: success: 127\\.0\\.0\\.2_accepted_message\\./Remote_host_said:_250.*"));
    }

    @Test
    void throughARealMxRecord() throws Exception {
        Path dnsip = root.resolve("control/dnsip");
        Files.writeString(dnsip, "127.0.0.1:" + dnsPort + "\n");
        Proc.sh("chmod 644 '" + dnsip + "'");
        // "domain::port": no relay, so the MX is looked up; GreenMail listens on its own port, not 25.
        routes("mx-test.example::" + greenMail.getSmtp().getPort() + "\n");
        inject("alice@example.org", "carol@mx-test.example", "Subject: by mx\n\nvia the MX record\n");
        queue.await("GreenMail has it", () -> greenMail.getReceivedMessages().length == 1);
        assertEquals("by mx", greenMail.getReceivedMessages()[0].getSubject());
        // GreenMail files a message under its envelope recipient's mailbox
        assertEquals(1, greenMail.getUserManager().getUserByEmail("carol@mx-test.example") == null ? 0
            : greenMail.getManagers().getImapHostManager().getInbox(
                greenMail.getUserManager().getUserByEmail("carol@mx-test.example")).getMessageCount());
    }

    @Test
    void fiftyRelayedMessagesAllArrive() throws Exception {
        routes("routed.example:" + PEER + ":" + greenMail.getSmtp().getPort() + "\n");
        for (int i = 0; i < 50; i++) inject("alice@example.org", "bob" + i + "@routed.example", "Subject: n" + i + "\n\nbody\n");
        queue.await("all 50 at GreenMail", () -> greenMail.getReceivedMessages().length == 50);
        java.util.Set<String> subjects = new java.util.HashSet<>();
        for (MimeMessage m : greenMail.getReceivedMessages()) subjects.add(m.getSubject());
        assertEquals(50, subjects.size(), "each message once");
    }

    @Test
    void aRemoteRefusalBouncesToTheSender() throws Exception {
        try (ServerSocket refuser = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofVirtual().start(() -> refuseRecipients(refuser));
            routes("refusing.example:127.0.0.1:" + refuser.getLocalPort() + "\n");
            inject("rd@" + HOST, "dave@refusing.example", "Subject: refused\n\nno such user there\n");
            queue.await("the bounce in the sender's Maildir", () -> bounceFor("dave@refusing.example") != null);
            String bounce = bounceFor("dave@refusing.example");
            assertTrue(bounce.contains("<dave@refusing.example>:\n127.0.0.1 does not like recipient.\n"
                + "Remote host said: 550 5.1.1 no such user\n"), bounce);
            assertTrue(bounce.endsWith("Subject: refused\n\nno such user there\n"), bounce);
            server.interrupt();
        }
    }

    /** The message in the sender's Maildir that mentions {@code address}, or null. */
    static String bounceFor(String address) {
        for (Path p : inbox()) {
            try {
                String m = Files.readString(p, StandardCharsets.ISO_8859_1);
                if (m.contains("<" + address + ">:")) return m;
            } catch (java.io.IOException e) {
                // not there any more, or not yet readable: look again
            }
        }
        return null;
    }

    static List<Path> inbox() {
        return new TestUser("rd", UID, home).inbox();
    }

    /** A peer that refuses every recipient with 550, as a real server does for an unknown user. */
    static void refuseRecipients(ServerSocket ss) {
        for (int n = 0; n < 10; n++) {
            try (Socket s = ss.accept()) {
                s.setSoTimeout(30_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = s.getOutputStream();
                out.write("220 refusing.example ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                for (String line; (line = in.readLine()) != null; ) {
                    String cmd = line.toUpperCase();
                    String reply = cmd.startsWith("RCPT") ? "550 5.1.1 no such user" : cmd.startsWith("QUIT") ? "221 bye" : "250 ok";
                    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    if (cmd.startsWith("QUIT")) break;
                }
            } catch (java.io.IOException e) {
                return;
            }
        }
    }
}
