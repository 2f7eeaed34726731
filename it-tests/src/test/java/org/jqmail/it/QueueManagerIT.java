package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue manager as an administrator runs it: the installed qmail-send service (qmail-start and its
 * daemons, multilog for the log) under daemontools' svscan, mail injected with bin/qmail-queue, and
 * delivered to Maildirs, bounced, or deferred as qmail does; then svc -d stops it with nothing lost.
 */
@ExtendWith(InstalledRoot.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QueueManagerIT {
    static final int UID = 64125;
    static final String HOST = InstalledRoot.HOST;

    @TempDir
    static Path tmp;
    static Path root;
    static Path home;
    static QueueService queue;

    @BeforeAll
    static void start() throws Exception {
        root = InstalledRoot.root();
        home = TestUser.create(tmp, "qm", UID, java.util.Map.of(".qmail-later", "|exit 111\n")).home();
        queue = QueueService.start(root, tmp);
    }

    @AfterAll
    static void stop() throws Exception {
        if (queue != null) queue.close();
    }

    private static void sh(String script) throws Exception {
        Proc.Result r = Proc.sh(script);
        assertEquals(0, r.exit(), script + ": " + r.err());
    }

    static String log() {
        return queue.log();
    }

    static void await(String what, BooleanSupplier done) throws InterruptedException {
        queue.await(what, done);
    }

    static void inject(String sender, String recipient, String message) throws Exception {
        Path msg = Files.writeString(Files.createTempFile(tmp, "msg", ""), message);
        Path env = Files.write(Files.createTempFile(tmp, "env", ""),
            ("F" + sender + "\0T" + recipient + "\0\0").getBytes(StandardCharsets.ISO_8859_1));
        sh("chmod 644 '" + msg + "' '" + env + "'");
        Proc.Result r = QueueInjectionIT.inject("nobody", msg, env);
        assertEquals(0, r.exit(), r.err());
    }

    static List<Path> inbox() {
        return new TestUser("qm", UID, home).inbox();
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(1)
    void aLocalMessageLandsInTheMaildirOwnedByTheRecipient() throws Exception {
        int before = inbox().size();
        inject("alice@example.org", "qm@" + HOST, "Subject: one\n\nhello\n");
        await("delivery to Maildir/new", () -> inbox().size() == before + 1);
        Path m = inbox().get(inbox().size() - 1);
        assertEquals(UID, (Integer) Files.getAttribute(m, "unix:uid"));
        String text = read(m);
        assertTrue(text.startsWith("Return-Path: <alice@example.org>\nDelivered-To: qm@" + HOST + "\nReceived: (qmail "), text);
        assertTrue(text.endsWith("Subject: one\n\nhello\n"), text);
        // the message is in the Maildir before qmail-send has heard back and logged it
        await("the success line", () -> log().matches("(?s).*delivery \\d+: success: did_1\\+0\\+0/\n.*"));
        String log = log();
        assertTrue(log.matches("(?s).*@4000[0-9a-f]{20} new msg \\d+\n.*"), "multilog TAI64N stamps and qmail's lines:\n" + log);
        assertTrue(log.matches("(?s).*info msg \\d+: bytes \\d+ from <alice@example.org> qp \\d+ uid \\d+\n.*"), log);
        assertTrue(log.matches("(?s).*starting delivery \\d+: msg \\d+ to local qm@" + HOST.replace(".", "\\.") + "\n.*"), log);
        assertTrue(log.matches("(?s).*delivery \\d+: success: did_1\\+0\\+0/\n.*"), log);
    }

    @Test
    @Order(2)
    void anUnknownLocalUserBouncesToTheSender() throws Exception {
        int before = inbox().size();
        inject("qm@" + HOST, "nosuchuser@" + HOST, "Subject: lost\n\nwhere does this go\n");
        await("the bounce in the sender's Maildir", () -> inbox().size() == before + 1);
        String bounce = read(inbox().get(inbox().size() - 1));
        assertTrue(bounce.startsWith("Return-Path: <>\nDelivered-To: qm@" + HOST + "\n"), bounce);
        assertTrue(bounce.contains("\nFrom: MAILER-DAEMON@" + HOST + "\n"), bounce);
        assertTrue(bounce.contains("Hi. This is the qmail-send program at " + HOST + "."), bounce);
        assertTrue(bounce.contains("<nosuchuser@" + HOST + ">:\nSorry, no mailbox here by that name. (#5.1.1)\n"), bounce);
        assertTrue(bounce.contains("--- Below this line is a copy of the message.\n"), bounce);
        assertTrue(bounce.endsWith("Subject: lost\n\nwhere does this go\n"), bounce);
        assertTrue(log().matches("(?s).*bounce msg \\d+ qp \\d+\n.*"), log());
    }

    @Test
    @Order(3)
    void aTemporaryFailureIsDeferredAndQmailQreadShowsIt() throws Exception {
        inject("alice@example.org", "qm-later@" + HOST, "Subject: later\n\nretry me\n");
        // this delivery's own deferral: "starting delivery D: ... qm-later@HOST", then "delivery D: deferral:"
        await("the deferral", () -> log().matches("(?s).*starting delivery (\\d+): msg \\d+ to local qm-later@[^\n]*\n"
            + "(.*\n)?[^\n]* delivery \\1: deferral: .*"));
        Proc.Result q = Proc.run(null, root.resolve("bin/qmail-qread").toString());
        assertEquals(0, q.exit(), q.err());
        assertTrue(q.out().matches("(?s).*#\\d+  \\d+  <alice@example.org> \n\tlocal\tqm-later@" + HOST.replace(".", "\\.") + "\n.*"),
            q.out());
        Proc.Result stat = Proc.run(null, root.resolve("bin/qmail-qstat").toString());
        // other test classes share the root and may have left messages of their own
        assertTrue(stat.out().matches("messages in queue: [1-9]\\d*\nmessages in queue but not yet preprocessed: \\d+\n"),
            stat.out());
    }

    @Test
    @Order(4)
    void svcDownStopsQmailSendAndItsDaemonsAndKeepsTheQueue() throws Exception {
        Path svc = queue.service();
        sh("svc -d '" + svc + "'");
        await("svstat says down", () -> {
            try {
                return Proc.run(null, "svstat", svc.toString()).out().contains(": down ");
            } catch (Exception e) {
                return false;
            }
        });
        await("no qmail-send, qmail-lspawn, qmail-rspawn or qmail-clean of this root is left", () -> {
            try {
                return Proc.sh("ps -eo args | grep -F -- '-Djqmail.root=" + root + " ' | grep -E 'org.jqmail.(send|lspawn|rspawn|clean)' | grep -v grep").out().isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        Proc.Result q = Proc.run(null, root.resolve("bin/qmail-qread").toString());
        assertTrue(q.out().contains("\tlocal\tqm-later@" + HOST + "\n"), "the deferred message is still queued: " + q.out());
        assertFalse(log().contains("alert:"), log());
    }
}
