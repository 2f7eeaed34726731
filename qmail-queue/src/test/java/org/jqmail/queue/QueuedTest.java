package org.jqmail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jqmail.common.Envelope;
import org.jqmail.common.QmailRoot;
import org.jqmail.common.QueueExit;
import org.jqmail.common.SystemUsers;
import org.jqmail.queue.client.QueueClient;
import org.jqmail.queue.client.QueueResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qmail-queued in this JVM, against QueueClient's fast path and against raw, hostile clients. */
class QueuedTest {
    private static final Envelope ENV = new Envelope("me@example.org", List.of("you@example.org", "them@example.net"));

    @TempDir
    Path tmp;
    QueueTree q;
    String savedRoot;
    long uid;

    @BeforeEach
    void setUp() throws Exception {
        q = new QueueTree(tmp.resolve("root"));
        savedRoot = System.getProperty(QmailRoot.PROPERTY);
        System.setProperty(QmailRoot.PROPERTY, q.root.toString());
        uid = Invoker.realUid(Path.of("/proc/self/status"));
    }

    @AfterEach
    void restore() {
        if (savedRoot == null) System.clearProperty(QmailRoot.PROPERTY);
        else System.setProperty(QmailRoot.PROPERTY, savedRoot);
    }

    private String todoOf(long n) throws IOException {
        return Files.readString(q.queue.todo(n), StandardCharsets.ISO_8859_1);
    }

    /** Nothing committed and nothing left over (the daemon cleans up what it started). */
    private void assertNothingQueued() throws IOException {
        q.assertEmpty();
    }

    @Test
    void theFastPathQueuesWithQmailQueuesResultReceivedLineAndRecords() throws Exception {
        try (QueuedServer d = new QueuedServer(q.root)) {
            QueueResult r;
            long qp;
            try (QueueClient qq = QueueClient.open()) {
                qp = qq.pid();
                OutputStream out = qq.message();
                out.write("Subject: fast\n\n".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 20_000; i++) out.write(("line " + i + " \0\r\377\n").getBytes(StandardCharsets.ISO_8859_1));
                r = qq.close(ENV);
            }
            assertTrue(qp > Queued.FIRST_QP, "qp " + qp);
            assertEquals(new QueueResult(qp, 0, ""), r);
            long n = q.onlyMessage();
            String mess = Files.readString(q.queue.mess(n), StandardCharsets.ISO_8859_1);
            assertTrue(mess.matches("(?s)Received: \\(qmail " + qp + " invoked by uid " + uid
                + "\\); \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d -0000\nSubject: fast\n\nline 0 .*"), mess.substring(0, 100));
            assertTrue(mess.endsWith("line 19999 \0\r\377\n"));
            assertEquals("u" + uid + "\0p" + qp + "\0Fme@example.org\0Tyou@example.org\0Tthem@example.net\0", todoOf(n));
            assertEquals(List.of(), q.pid(), "no pid file left");
            assertFalse(Files.exists(q.root.resolve("bin/qmail-queue")), "nothing to spawn: it was the daemon");
        }
    }

    /** The envelope first (QueueClient.open with it, as qmail-smtpd): the same files as the envelope last. */
    @Test
    void envelopeFirstQueuesWhatEnvelopeLastQueues() throws Exception {
        byte[] body = ("Subject: both ways\n\n" + "y \0\r\377\n".repeat(30_000)).getBytes(StandardCharsets.ISO_8859_1);
        try (QueuedServer d = new QueuedServer(q.root)) {
            QueueResult last;
            try (QueueClient qq = QueueClient.open()) {
                qq.message().write(body);
                last = qq.close(ENV);
            }
            QueueResult first;
            try (QueueClient qq = QueueClient.open(QueueClient.program(), ENV)) {
                qq.message().write(body);
                assertThrows(IllegalStateException.class, () -> qq.close(ENV), "its envelope went already");
                first = qq.finish();
                assertThrows(IllegalStateException.class, qq::finish);
            }
            assertTrue(last.queued() && first.queued(), last + " " + first);
            List<String> todo = q.todo();
            assertEquals(2, todo.size());
            List<String> contents = new ArrayList<>();
            for (String name : todo) {
                long n = Long.parseLong(name);
                String mess = Files.readString(q.queue.mess(n), StandardCharsets.ISO_8859_1);
                contents.add(mess.replaceFirst("^Received: \\(qmail \\d+ ", "Received: (qmail QP ") + "|" + todoOf(n).replaceFirst("\0p\\d+\0", "\0pQP\0"));
            }
            assertEquals(contents.get(0), contents.get(1));
            assertTrue(contents.get(0).endsWith("y \0\r\377\n|u" + uid + "\0pQP\0Fme@example.org\0Tyou@example.org\0Tthem@example.net\0"));
            assertEquals(List.of(), q.intd().stream().filter(i -> !todo.contains(i)).toList(), "intd/ holds the two messages only");
        }
    }

    @Test
    void aLateEnvelopeRunCannotBeFinished() throws Exception {
        try (QueuedServer d = new QueuedServer(q.root)) {
            try (QueueClient qq = QueueClient.open()) {
                assertThrows(IllegalStateException.class, qq::finish);
            } // abandoned: the daemon cleans up after the connection's end
            waitUntilEmpty();
        }
    }

    @Test
    void envelopeFirstFailedOrAbandonedQueuesNothing() throws Exception {
        try (QueuedServer d = new QueuedServer(q.root)) {
            QueueResult r;
            long qp;
            try (QueueClient qq = QueueClient.open(QueueClient.program(), ENV)) {
                qp = qq.pid();
                qq.message().write(new byte[200_000]);
                qq.fail();
                r = qq.finish();
            }
            assertEquals(new QueueResult(qp, QueueExit.READ_ERROR, "Zqq read error (#4.3.0)"), r);
            try (QueueClient qq = QueueClient.open(QueueClient.program(), ENV)) {
                qq.message().write(new byte[300_000]);
            } // neither finished nor failed
            waitUntilEmpty();
        }
    }

    /** The envelope first, byte by byte: its own exit codes, answered before the message is read. */
    @Test
    void everyExitCodeOfAnEnvelopeSentFirst() throws Exception {
        try (QueuedServer d = new QueuedServer(q.root)) {
            Path s = d.socket;
            assertEquals(QueueExit.ENVELOPE_FORMAT, RawQueuedClient.exchange(s, "Fa\0Xb\0\0" + "1:m,0:,"));
            assertEquals(QueueExit.ADDRESS_TOO_LONG, RawQueuedClient.exchange(s, "F" + "a".repeat(1003) + "\0\0" + "1:m,0:,"));
            assertEquals(QueueExit.ADDRESS_TOO_LONG, RawQueuedClient.exchange(s, "F" + "a".repeat(100_000)), "no NUL for ever");
            assertEquals(QueueExit.READ_ERROR, RawQueuedClient.exchange(s, "Fa\0Tb\0"), "no final NUL, then the end");
            assertEquals(QueueExit.READ_ERROR, RawQueuedClient.exchange(s, "Fa\0Tb\0\0"), "no message");
            assertEquals(QueueExit.READ_ERROR, RawQueuedClient.exchange(s, "Fa\0Tb\0\0" + "1:m,"), "no end mark");
            assertEquals(QueueExit.READ_ERROR, RawQueuedClient.exchange(s, "Fa\0Tb\0\0" + "Fa\0Tb\0\0"), "two envelopes");
            assertEquals(QueueExit.READ_ERROR, RawQueuedClient.exchange(s, "Fa\0Tb\0\0" + "99999999999:"), "huge length");
            assertEquals(QueueExit.READ_ERROR, RawQueuedClient.exchange(s, "Fa\0Tb\0\0" + "3:m\r\n,\0:,"), "NUL for a length");
            assertNothingQueued();
            assertEquals(QueueExit.OK, RawQueuedClient.exchange(s, "Fa\0Tb\0\0" + "3:m\0\n,0:,"));
            long n = q.onlyMessage();
            assertEquals("m\0\n", Files.readString(q.queue.mess(n), StandardCharsets.ISO_8859_1).replaceFirst("^Received: [^\n]*\n", ""));
            assertTrue(todoOf(n).endsWith("\0Fa\0Tb\0"), todoOf(n));
        }
    }

    @Test
    void anEnvelopeFirstClientThatClosesMidMessageLeavesNothing() throws Exception {
        try (QueuedServer d = new QueuedServer(q.root)) {
            for (String wire : new String[] {"F", "Fa\0T", "Fa\0Tb\0\0", "Fa\0Tb\0\0" + "10:abc", "Fa\0Tb\0\0" + "3:abc,0:"}) {
                try (RawQueuedClient c = new RawQueuedClient(d.socket)) {
                    c.send(wire);
                }
            }
            waitUntilEmpty();
        }
    }

    /** Each injection arms timeoutqueue (a day); done, it must leave nothing armed (bench/soak's leak). */
    @Test
    void finishedInjectionsLeaveNoTimeoutArmed() throws Exception {
        try (QueuedServer d = new QueuedServer(q.root)) {
            for (int i = 0; i < 50; i++) QueueClient.submit(("m" + i + "\n").getBytes(StandardCharsets.US_ASCII), ENV);
            assertEquals(50, q.todo().size());
            for (int i = 0; i < 100 && d.queued.timeoutsArmed() > 0; i++) Thread.sleep(20); // the last answer races its cancel
            assertEquals(0, d.queued.timeoutsArmed());
        }
    }

    @Test
    void qpCountsUpPerInjection() throws Exception {
        try (QueuedServer d = new QueuedServer(q.root)) {
            QueueResult a = QueueClient.submit("a\n".getBytes(StandardCharsets.US_ASCII), ENV);
            QueueResult b = QueueClient.submit("b\n".getBytes(StandardCharsets.US_ASCII), ENV);
            assertEquals(a.pid() + 1, b.pid());
            assertEquals(2, q.todo().size());
        }
    }

    @Test
    void failQueuesNothingAndReportsAReadError() throws Exception {
        try (QueuedServer d = new QueuedServer(q.root)) {
            QueueResult r;
            long qp;
            try (QueueClient qq = QueueClient.open()) {
                qp = qq.pid();
                qq.message().write(new byte[200_000]);
                qq.fail();
                r = qq.close(ENV);
            }
            assertEquals(new QueueResult(qp, QueueExit.READ_ERROR, "Zqq read error (#4.3.0)"), r);
            assertNothingQueued();
        }
    }

    @Test
    void anAbandonedClientQueuesNothing() throws Exception {
        try (QueuedServer d = new QueuedServer(q.root)) {
            try (QueueClient qq = QueueClient.open()) {
                qq.message().write(new byte[300_000]);
            } // closed without close(envelope)
            waitUntilEmpty();
        }
    }

    @Test
    void oneHundredThousandRecipientsThroughTheSocket() throws Exception {
        List<String> rcpts = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) rcpts.add("r" + i + "@example.net");
        try (QueuedServer d = new QueuedServer(q.root)) {
            assertTrue(QueueClient.submit("m\n".getBytes(StandardCharsets.US_ASCII), new Envelope("", rcpts)).queued());
        }
        String todo = todoOf(q.onlyMessage());
        assertTrue(todo.endsWith("\0Tr99999@example.net\0"));
        assertEquals(100_000, todo.split("\0T", -1).length - 1);
    }

    @Test
    void everyExitCodeOfTheEnvelopeAndTheFraming() throws Exception {
        try (QueuedServer d = new QueuedServer(q.root)) {
            Path s = d.socket;
            assertEquals(QueueExit.ENVELOPE_FORMAT, RawQueuedClient.exchange(s, "1:m,0:,Xa\0\0"));
            assertEquals(QueueExit.ENVELOPE_FORMAT, RawQueuedClient.exchange(s, "1:m,0:,Fa\0Xb\0\0"));
            assertEquals(QueueExit.ADDRESS_TOO_LONG, RawQueuedClient.exchange(s, "1:m,0:,F" + "a".repeat(1003) + "\0\0"));
            assertEquals(QueueExit.READ_ERROR, RawQueuedClient.exchange(s, "1:m,0:,Fa\0Tb\0"), "envelope without its final NUL");
            assertEquals(QueueExit.READ_ERROR, RawQueuedClient.exchange(s, "1:m,"), "no end mark");
            assertEquals(QueueExit.READ_ERROR, RawQueuedClient.exchange(s, "5:m,0:,Fa\0\0"), "frame shorter than its length");
            assertEquals(QueueExit.READ_ERROR, RawQueuedClient.exchange(s, "99999999999:"), "huge length");
            assertEquals(QueueExit.READ_ERROR, RawQueuedClient.exchange(s, "\0\0\0\0"), "NULs for a length");
            assertEquals(QueueExit.READ_ERROR, RawQueuedClient.exchange(s, ""), "nothing at all");
            assertNothingQueued();
            assertEquals(QueueExit.OK, RawQueuedClient.exchange(s, "3:m\0\n,0:,Fa\0Tb\0\0"));
            assertEquals("m\0\n", Files.readString(q.queue.mess(q.onlyMessage()), StandardCharsets.ISO_8859_1).replaceFirst("^Received: [^\n]*\n", ""));
        }
    }

    @Test
    void aClientThatClosesMidMessageLeavesNothing() throws Exception {
        try (QueuedServer d = new QueuedServer(q.root)) {
            for (String wire : new String[] {"10:abc", "3:abc", "3:abc,", "3:abc,0:", "3:abc,0:,Fa\0Tb"}) {
                try (RawQueuedClient c = new RawQueuedClient(d.socket)) {
                    c.send(wire);
                }
            }
            waitUntilEmpty();
        }
    }

    @Test
    void theQueueDirectoryAndTheControlFileCodes() throws Exception {
        Path bare = Files.createDirectories(tmp.resolve("bare"));
        try (QueuedServer d = new QueuedServer(bare)) {
            assertEquals(QueueExit.QUEUE_DIR, RawQueuedClient.exchange(d.socket, "1:m,0:,Fa\0\0"));
        }
        Files.createDirectories(q.root.resolve("control/timeoutqueue")); // unreadable as a file
        try (QueuedServer d = new QueuedServer(q.root)) {
            assertEquals(QueueExit.CONFIG_ERROR, RawQueuedClient.exchange(d.socket, "1:m,0:,Fa\0\0"));
        }
        assertNothingQueued();
    }

    @Test
    void aStalledClientTimesOutWith52AndNothingQueued() throws Exception {
        q.control("timeoutqueue", "1\n");
        try (QueuedServer d = new QueuedServer(q.root); RawQueuedClient c = new RawQueuedClient(d.socket)) {
            c.send("100:partial");
            long t0 = System.nanoTime();
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            assertEquals(1, c.ch.read(one), "answered without the client closing");
            assertEquals(QueueExit.TIMEOUT, one.get(0));
            assertTrue(System.nanoTime() - t0 < 30_000_000_000L);
            assertNothingQueued();
        }
    }

    @Test
    void manyAtOnce() throws Exception {
        try (QueuedServer d = new QueuedServer(q.root)) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<QueueResult>> rs = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                byte[] m = ("Subject: " + i + "\n\n" + "x".repeat(i * 1000) + "\n").getBytes(StandardCharsets.US_ASCII);
                rs.add(pool.submit(() -> QueueClient.submit(m, ENV)));
            }
            Set<Long> qps = new HashSet<>();
            for (Future<QueueResult> f : rs) {
                QueueResult r = f.get();
                assertTrue(r.queued(), r.report());
                qps.add(r.pid());
            }
            pool.shutdown();
            assertEquals(64, qps.size(), "every injection has its own qp");
            assertEquals(64, q.todo().size());
            assertEquals(List.of(), q.pid());
        }
    }

    /** ROOT/bin/qmail-queue as a script that queues nothing but says who it was. */
    private Path fakeQmailQueue(int exit) throws IOException {
        Path p = q.root.resolve("bin/qmail-queue");
        Files.writeString(p, "#!/bin/sh\ncat >/dev/null; cat <&1 >/dev/null; exit " + exit + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void withoutADaemonOrWithAStaleSocketQmailQueueRuns() throws Exception {
        fakeQmailQueue(71);
        QueueResult r = QueueClient.submit("m\n".getBytes(StandardCharsets.US_ASCII), ENV);
        assertEquals(71, r.exitCode(), "no socket: the child ran");
        assertTrue(r.pid() > 0 && r.pid() < Queued.FIRST_QP);
        new QueuedServer(q.root).close(); // leaves its socket file behind, nobody listening
        assertTrue(Files.exists(org.jqmail.queue.client.QueuedProtocol.socket(q.root)));
        r = QueueClient.submit("m\n".getBytes(StandardCharsets.US_ASCII), ENV);
        assertEquals(71, r.exitCode(), "refused: the child ran");
    }

    @Test
    void aSubstituteIsNeverReplacedByTheDaemon() throws Exception {
        Path substitute = q.root.resolve("bin/qmail-scanner");
        Files.writeString(substitute, "#!/bin/sh\ncat >/dev/null; cat <&1 >/dev/null; exit 31\n");
        Files.setPosixFilePermissions(substitute, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (QueuedServer d = new QueuedServer(q.root)) {
            try (QueueClient qq = QueueClient.open(substitute)) {
                qq.message().write('m');
                QueueResult r = qq.close(ENV);
                assertEquals(31, r.exitCode());
                assertNotEquals(0, r.pid());
            }
            assertNothingQueued();
        }
    }

    @Test
    void aFullDaemonSendsClientsToQmailQueue() throws Exception {
        fakeQmailQueue(0);
        try (QueuedServer d = new QueuedServer(q.root, 1); RawQueuedClient holder = new RawQueuedClient(d.socket)) {
            assertTrue(holder.qp() > Queued.FIRST_QP);
            QueueResult r = QueueClient.submit("m\n".getBytes(StandardCharsets.US_ASCII), ENV);
            assertEquals(0, r.exitCode());
            assertTrue(r.pid() < Queued.FIRST_QP, "the child's pid: " + r.pid());
        }
    }

    @Test
    void aPeerHoldsAtMostHalfTheConnections() throws Exception {
        fakeQmailQueue(0);
        try (QueuedServer d = new QueuedServer(q.root, 4)) {
            RawQueuedClient first = new RawQueuedClient(d.socket);
            try (RawQueuedClient second = new RawQueuedClient(d.socket)) {
                assertTrue(first.qp() > Queued.FIRST_QP);
                assertTrue(second.qp() > Queued.FIRST_QP);
                // two places are free, but this uid holds its two: its next message takes the slow path
                QueueResult r = QueueClient.submit("m\n".getBytes(StandardCharsets.US_ASCII), ENV);
                assertEquals(0, r.exitCode());
                assertTrue(r.pid() < Queued.FIRST_QP, "the child's pid: " + r.pid());
                first.close();
                // one given back: the daemon takes the next one (its end is counted after its answer)
                for (int i = 0; i < 200; i++) {
                    r = QueueClient.submit("m\n".getBytes(StandardCharsets.US_ASCII), ENV);
                    if (r.pid() > Queued.FIRST_QP) break;
                    Thread.sleep(25);
                }
                assertEquals(0, r.exitCode());
                assertTrue(r.pid() > Queued.FIRST_QP, "qmail-queued's qp: " + r.pid());
            }
        }
    }

    @Test
    void thePeersUidComesFromItsNameOrDigits() throws Exception {
        Path passwd = tmp.resolve("passwd");
        Files.writeString(passwd, "root:x:0:0::/root:/bin/sh\nqmaild:x:7791:2108::/var/qmail:/bin/true\n"
            + "alias:x:7790:2108::/h:/bin/true\nqmails:x:7796:2107::/h:/bin/true\n1234:x:5000:5000::/h:/bin/sh\n");
        SystemUsers users = new SystemUsers(passwd);
        assertEquals(new Invoker(7791, "from network"), Invoker.ofPeer("qmaild", users));
        assertEquals(new Invoker(7790, "by alias"), Invoker.ofPeer("alias", users));
        assertEquals(new Invoker(7796, "for bounce"), Invoker.ofPeer("qmails", users));
        assertEquals(new Invoker(0, "by uid 0"), Invoker.ofPeer("root", users));
        assertEquals(new Invoker(5000, "by uid 5000"), Invoker.ofPeer("1234", users), "a name wins over digits");
        assertEquals(new Invoker(4242, "by uid 4242"), Invoker.ofPeer("4242", users), "a uid without a name");
        assertThrows(IOException.class, () -> Invoker.ofPeer("ldapuser", users));
        assertThrows(IOException.class, () -> Invoker.ofPeer("99999999999", users));
        assertThrows(IOException.class, () -> Invoker.ofPeer("", users));
    }

    private void waitUntilEmpty() throws Exception {
        for (int i = 0; i < 200; i++) {
            if (q.todo().isEmpty() && q.intd().isEmpty() && q.mess().isEmpty() && q.pid().isEmpty()) return;
            Thread.sleep(50);
        }
        assertNothingQueued();
    }
}
