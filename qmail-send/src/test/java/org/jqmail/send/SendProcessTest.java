package org.jqmail.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jqmail.spawn.ExitStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * qmail-send as a process, its fds wired to pipes this test drives: the test is qmail-lspawn,
 * qmail-rspawn and qmail-clean, and reads the log. Bounces go to a fake qmail-queue ($QMAILQUEUE).
 */
class SendProcessTest {
    static final int SIGHUP = 1, SIGKILL = 9, SIGALRM = 14, SIGTERM = 15;

    @TempDir Path root;
    TestQueue q;
    Path bounces;
    List<String> env;

    @BeforeEach
    void setUp() throws Exception {
        q = new TestQueue(root);
        q.control("me", "mx.example.com\n");
        q.control("locals", "example.com\n");
        q.control("concurrencylocal", "5\n");
        q.control("concurrencyremote", "7\n");
        assertEquals(0, new ProcessBuilder("mkfifo", q.queue.resolve("lock/trigger").toString()).start().waitFor());
        bounces = Files.createDirectories(root.resolve("bounces"));
        Path qq = root.resolve("fake-qmail-queue");
        Files.writeString(qq, "#!/bin/sh\ncat > " + bounces + "/$$.msg\ncat 0<&1 > " + bounces + "/$$.env\nexit 0\n");
        Files.setPosixFilePermissions(qq, PosixFilePermissions.fromString("rwxr-xr-x"));
        env = List.of("QMAILQUEUE=" + qq);
    }

    static String messid(long n) {
        return (n % 23) + "/" + n;
    }

    @Test
    void deliversMarksBouncesAndExitsOnTerm() throws Exception {
        long m1 = q.inject("joe@example.org", List.of("bob@example.com", "al@remote.org", "bad@remote.org"), "Subject: 1\n\nhi\n");
        // a damaged queue entry: info/N without its F record; logged, skipped, never fatal
        long broken = q.inject("s@x", List.of("c@example.com"), "x");
        Files.delete(q.layout.todo(broken));
        Files.delete(q.layout.intd(broken));
        Files.writeString(q.layout.info(broken), "garbage");
        Files.writeString(q.layout.local(broken), "Tc@example.com\0");

        try (SendProcess p = new SendProcess(root, env)) {
            p.hello(120, 120);
            FakeCleanProcess.start(q.layout, p);
            p.awaitLine("status: local 0/5 remote 0/7");

            SendProcess.Request local = p.request(Channel.LOCAL);
            assertEquals(messid(m1), local.messid());
            assertEquals("joe@example.org", local.sender());
            assertEquals("bob@example.com", local.recipient());
            SendProcess.Request r1 = p.request(Channel.REMOTE);
            SendProcess.Request r2 = p.request(Channel.REMOTE);
            assertEquals(List.of("al@remote.org", "bad@remote.org"), List.of(r1.recipient(), r2.recipient()));
            assertTrue(r1.slot() != r2.slot());

            p.report(Channel.LOCAL, local.slot(), "Kdid 0+0+1\n");
            p.report(Channel.REMOTE, r1.slot(), "Kremote.org accepted message.\n");
            p.report(Channel.REMOTE, r2.slot(), "DSorry, no such user.\n\nGiving up.\n");
            p.awaitLine("end msg " + m1);
            // m1 is gone entirely, checked before m2 is injected: m2 may get m1's number, its inode, again.
            // mess/N goes last, through qmail-clean, after the end msg line.
            for (Path f : List.of(q.layout.info(m1), q.layout.local(m1), q.layout.remote(m1), q.layout.bounce(m1),
                    q.layout.mess(m1), q.layout.todo(m1))) {
                for (int i = 0; i < 500 && Files.exists(f); i++) Thread.sleep(10);
                assertFalse(Files.exists(f), f.toString());
            }

            // a message injected while qmail-send runs, announced through the trigger
            long m2 = q.inject("s2@example.org", List.of("carol@example.com", "dave@example.com"), "Subject: 2\n\n");
            try (FileOutputStream t = new FileOutputStream(q.queue.resolve("lock/trigger").toFile())) {
                t.write(0);
            }
            SendProcess.Request c = p.request(Channel.LOCAL);
            SendProcess.Request d = p.request(Channel.LOCAL);
            assertEquals("carol@example.com", c.recipient());
            assertEquals("dave@example.com", d.recipient());
            p.report(Channel.LOCAL, c.slot(), "Kdid 1+0+0\n");
            p.report(Channel.LOCAL, d.slot(), "Zmailbox busy\n");
            p.awaitPrefix("delivery ");
            p.await(l -> l.endsWith(": deferral: mailbox_busy/"), "the deferral");
            p.await(l -> l.equals("status: local 0/5 remote 0/7"), "idle status");

            p.signal(SIGTERM);
            p.awaitLine("status: exiting");
            ExitStatus st = p.waitFor();
            assertEquals(ExitStatus.exited(0), st);

            String log = String.join("\n", p.allLog) + "\n";
            long size = Files.size(q.layout.mess(m2));
            assertTrue(log.contains("new msg " + m1 + "\n"), log);
            assertTrue(log.contains("info msg " + m2 + ": bytes " + size + " from <s2@example.org> qp 4242 uid 1000\n"), log);
            assertTrue(log.contains(": msg " + m1 + " to local bob@example.com\n"), log);
            assertTrue(log.contains(": msg " + m1 + " to remote bad@remote.org\n"), log);
            assertTrue(log.contains(": success: did_0+0+1/\n"), log);
            assertTrue(log.contains(": failure: Sorry,_no_such_user.//Giving_up./\n"), log);
            assertTrue(log.matches("(?s).*\nbounce msg " + m1 + " qp [0-9]+\n.*"), log);
            assertTrue(log.contains("warning: trouble opening local/" + messid(broken) + "; will try again later\n"), log);

            // m2: carol marked done in place, dave still to do; next try stored as the file's mtime
            assertEquals("Dcarol@example.com\0Tdave@example.com\0", q.text(q.layout.local(m2)));
            long birth = Files.getLastModifiedTime(q.layout.info(m2)).toMillis() / 1000;
            long next = Files.getLastModifiedTime(q.layout.local(m2)).toMillis() / 1000;
            assertTrue(next >= birth + 100 && next <= birth + 400, "next try " + (next - birth) + " s after birth");

            // the bounce: from <> to joe, QSBMF, through qmail-queue
            Path[] envs;
            try (Stream<Path> s = Files.list(bounces)) {
                envs = s.filter(f -> f.toString().endsWith(".env")).toArray(Path[]::new);
            }
            assertEquals(1, envs.length);
            assertEquals("F\0Tjoe@example.org\0\0", q.text(envs[0]));
            String bounce = q.text(Path.of(envs[0].toString().replace(".env", ".msg")));
            assertTrue(bounce.contains("\nTo: joe@example.org\nSubject: failure notice\n\nHi. This is the qmail-send program at"
                + " mx.example.com.\n"), bounce);
            assertTrue(bounce.contains("\n\n<bad@remote.org>:\nSorry, no such user.\n/Giving up.\n\n--- Below this line is a copy"
                + " of the message.\n\nReturn-Path: <joe@example.org>\nReceived: (qmail 4242"), bounce);
            assertTrue(bounce.endsWith("Subject: 1\n\nhi\n"), bounce);
            assertFalse(bounce.contains("al@remote.org"), bounce);
        }
    }

    @Test
    void unreadableControlOnHupKeepsOldValuesThenLostSpawnExits() throws Exception {
        try (SendProcess p = new SendProcess(root, env)) {
            p.hello(120, 120);
            FakeCleanProcess.start(q.layout, p);
            p.awaitLine("status: local 0/5 remote 0/7");
            Files.createDirectories(root.resolve("control/virtualdomains")); // reading it fails: EISDIR
            q.control("concurrencyremote", "3\n");
            p.signal(SIGHUP);
            p.awaitLine("alert: unable to reread control/virtualdomains");
            // still running on the old values: a new message is still delivered locally
            long m = q.inject("s@x", List.of("u@example.com"), "x");
            try (FileOutputStream t = new FileOutputStream(q.queue.resolve("lock/trigger").toFile())) {
                t.write(0);
            }
            SendProcess.Request r = p.request(Channel.LOCAL);
            assertEquals(messid(m), r.messid());
            p.report(Channel.LOCAL, r.slot(), "Zlater\n");
            p.await(l -> l.endsWith(": deferral: later/"), "the deferral");
            // SIGALRM: due now, not in 100 s
            p.signal(SIGALRM);
            SendProcess.Request again = p.request(Channel.LOCAL);
            assertEquals("u@example.com", again.recipient());
            p.report(Channel.LOCAL, again.slot(), "Kok\n");
            p.awaitLine("end msg " + m);

            Files.delete(root.resolve("control/virtualdomains"));
            p.signal(SIGHUP);
            p.awaitLine("status: local 0/5 remote 0/3");

            p.reports[Channel.LOCAL].close(); // qmail-lspawn died
            p.awaitLine("alert: oh no! lost spawn connection! dying...");
            p.awaitLine("status: exiting");
            assertEquals(ExitStatus.exited(111), p.waitFor());
        }
    }

    @Test
    void spawnerWithoutHelloCannotStart() throws Exception {
        try (SendProcess p = new SendProcess(root, env)) {
            p.reports[Channel.LOCAL].close();
            p.reports[Channel.REMOTE].close();
            p.awaitLine("alert: cannot start: hath the daemon spawn no fire?");
            assertEquals(ExitStatus.exited(111), p.waitFor());
        }
    }

    @Test
    void killedDuringDeliveryRestartsAndLosesNoRecipient() throws Exception {
        long m = q.inject("s@x", List.of("a@example.com", "b@example.com", "c@example.com"), "x");
        Set<String> delivered = new HashSet<>();
        try (SendProcess p = new SendProcess(root, env)) {
            p.hello(120, 120);
            FakeCleanProcess.start(q.layout, p);
            SendProcess.Request a = p.request(Channel.LOCAL);
            p.request(Channel.LOCAL);
            p.request(Channel.LOCAL);
            p.report(Channel.LOCAL, a.slot(), "Kok\n");
            delivered.add(a.recipient());
            p.await(l -> l.contains(": success: ok/"), "the first success");
            p.signal(SIGKILL);
            assertEquals(ExitStatus.killed(SIGKILL), p.waitFor());
        }
        try (SendProcess p = new SendProcess(root, env)) {
            p.hello(120, 120);
            FakeCleanProcess.start(q.layout, p);
            // b and c come again (a too, if its mark had not reached the file: at least once)
            for (int i = 0; i < 3 && !delivered.containsAll(Set.of("a@example.com", "b@example.com", "c@example.com")); i++) {
                SendProcess.Request r = p.request(Channel.LOCAL);
                p.report(Channel.LOCAL, r.slot(), "Kok\n");
                delivered.add(r.recipient());
            }
            p.awaitLine("end msg " + m);
            p.signal(SIGTERM);
            assertEquals(ExitStatus.exited(0), p.waitFor());
        }
        assertEquals(Set.of("a@example.com", "b@example.com", "c@example.com"), delivered);
        assertFalse(Files.exists(q.layout.info(m)));
    }

    /** A message already preprocessed (as after a restart): info/N with its birth time, remote/N. */
    long preprocessed(String sender, String recipient, long birth) throws IOException {
        long n = q.inject(sender, List.of(recipient), "Subject: old\n\n");
        Files.delete(q.layout.todo(n));
        Files.delete(q.layout.intd(n));
        Files.writeString(q.layout.info(n), "F" + sender + "\0", java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.writeString(q.layout.remote(n), "T" + recipient + "\0", java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.setLastModifiedTime(q.layout.info(n), java.nio.file.attribute.FileTime.fromMillis(birth * 1000));
        Files.setLastModifiedTime(q.layout.remote(n), java.nio.file.attribute.FileTime.fromMillis(birth * 1000));
        return n;
    }

    @Test
    void pastQueuelifetimeDeferralBecomesFailureDoubleAndTripleBounces() throws Exception {
        long old = System.currentTimeMillis() / 1000 - 700_000; // older than 604800 s
        long dbl = preprocessed("", "x@remote.org", old);
        long triple = preprocessed("#@[]", "y@remote.org", old);
        try (SendProcess p = new SendProcess(root, env)) {
            p.hello(120, 120);
            FakeCleanProcess.start(q.layout, p);
            for (int i = 0; i < 2; i++) {
                SendProcess.Request r = p.request(Channel.REMOTE);
                p.report(Channel.REMOTE, r.slot(), "Zconnection refused\n");
            }
            // Both messages end, in either order: the double bounce goes through qmail-queue and may end
            // after the triple one, and a SIGTERM before that would (rightly) leave it for the next start.
            Set<String> ends = new HashSet<>(List.of("triple bounce: discarding bounce/" + triple,
                "end msg " + triple, "end msg " + dbl));
            while (!ends.isEmpty()) ends.remove(p.await(ends::contains, "the end of both messages"));
            p.signal(SIGTERM);
            p.awaitLine("status: exiting");
            assertEquals(ExitStatus.exited(0), p.waitFor());
            String log = String.join("\n", p.allLog) + "\n";
            assertTrue(log.contains(": failure: connection_refused/I'm_not_going_to_try_again;"
                + "_this_message_has_been_in_the_queue_too_long./\n"), log);
            assertTrue(log.matches("(?s).*\nbounce msg " + dbl + " qp [0-9]+\nend msg " + dbl + "\n.*"), log);
        }
        Path[] envs;
        try (Stream<Path> s = Files.list(bounces)) {
            envs = s.filter(f -> f.toString().endsWith(".env")).toArray(Path[]::new);
        }
        assertEquals(1, envs.length, "the triple bounce is dropped");
        assertEquals("F#@[]\0Tpostmaster@mx.example.com\0\0", q.text(envs[0]));
        String bounce = q.text(Path.of(envs[0].toString().replace(".env", ".msg")));
        assertTrue(bounce.contains("From: MAILER-DAEMON@mx.example.com\nTo: postmaster@mx.example.com\n"), bounce);
        assertTrue(bounce.contains("I tried to deliver a bounce message to this address, but the bounce bounced!\n\n"
            + "<x@remote.org>:\nconnection refused\nI'm not going to try again; this message has been in the queue too long.\n\n"
            + "--- Below this line is the original bounce.\n\nReturn-Path: <>\n"), bounce);
        assertFalse(Files.exists(q.layout.info(triple)));
        assertFalse(Files.exists(q.layout.bounce(triple)));
    }
}
