package org.jqmail.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.jqmail.common.Envelope;
import org.jqmail.common.QmailRoot;
import org.jqmail.queue.client.QueueClient;
import org.jqmail.queue.client.QueueResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client and the real qmail-queue together, as qmail-smtpd or qmail-local will use them. */
class ClientToMainTest {
    @TempDir
    Path tmp;
    QueueTree q;
    Path qmailQueue;
    String savedRoot;

    @BeforeEach
    void setUp() throws Exception {
        q = new QueueTree(tmp.resolve("root"));
        savedRoot = System.getProperty(QmailRoot.PROPERTY);
        System.setProperty(QmailRoot.PROPERTY, q.root.toString());
        // ROOT/bin/qmail-queue: what the installer's shim does, minus the setuid part
        StringBuilder sh = new StringBuilder("#!/bin/sh\nexec");
        for (String w : MainProcess.command(q.root)) sh.append(" '").append(w).append('\'');
        qmailQueue = q.root.resolve("bin/qmail-queue");
        Files.writeString(qmailQueue, sh.append('\n').toString());
        Files.setPosixFilePermissions(qmailQueue, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void restore() {
        if (savedRoot == null) System.clearProperty(QmailRoot.PROPERTY);
        else System.setProperty(QmailRoot.PROPERTY, savedRoot);
    }

    @Test
    void aStreamedMessageIsQueued() throws Exception {
        QueueResult r;
        long pid;
        try (QueueClient qq = QueueClient.open()) {
            pid = qq.pid();
            OutputStream out = qq.message();
            out.write("Subject: streamed\n\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 1000; i++) out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            r = qq.close(new Envelope("me@example.org", List.of("you@example.org")));
        }
        assertEquals(new QueueResult(pid, 0, ""), r);
        long n = q.onlyMessage();
        String mess = Files.readString(q.queue.mess(n));
        assertTrue(mess.startsWith("Received: (qmail " + pid + " invoked by uid "), mess);
        assertTrue(mess.endsWith("line 998\nline 999\n"));
        String todo = Files.readString(q.queue.todo(n), StandardCharsets.ISO_8859_1);
        assertTrue(todo.endsWith("\0p" + pid + "\0Fme@example.org\0Tyou@example.org\0"), todo);
    }

    @Test
    void hundredThousandRecipients() throws Exception {
        List<String> rcpts = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) rcpts.add("r" + i + "@example.net");
        QueueResult r = QueueClient.submit("m\n".getBytes(StandardCharsets.US_ASCII), new Envelope("", rcpts));
        assertTrue(r.queued(), r.report());
        byte[] todo = Files.readAllBytes(q.queue.todo(q.onlyMessage()));
        int t = 0;
        for (int i = 0; i < todo.length; i++) if (todo[i] == 'T' && todo[i - 1] == 0) t++;
        assertEquals(100_000, t);
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        tail.writeBytes("F\0Tr0@example.net\0".getBytes(StandardCharsets.US_ASCII));
        String s = new String(todo, StandardCharsets.ISO_8859_1);
        assertTrue(s.contains(tail.toString(StandardCharsets.ISO_8859_1)));
        assertTrue(s.endsWith("\0Tr99999@example.net\0"));
    }

    @Test
    void tooLongAnAddressIsPermanent() throws Exception {
        QueueResult r = QueueClient.submit("m\n".getBytes(StandardCharsets.US_ASCII),
            new Envelope("me@example.org", List.of("x".repeat(1003))));
        assertEquals(11, r.exitCode());
        assertEquals("Denvelope address too long for qq (#5.1.3)", r.report());
        assertTrue(r.permanent());
        q.assertEmpty();
        assertTrue(QueueClient.submit("m\n".getBytes(StandardCharsets.US_ASCII),
            new Envelope("me@example.org", List.of("x".repeat(1002)))).queued());
    }

    @Test
    void failedOrAbandonedRunsQueueNothing() throws Exception {
        try (QueueClient qq = QueueClient.open()) {
            qq.message().write("Subject: too big\n\n".getBytes(StandardCharsets.US_ASCII));
            qq.fail();
            QueueResult r = qq.close(new Envelope("a@b", List.of("c@d")));
            assertEquals(54, r.exitCode());
            assertEquals("Zqq read error (#4.3.0)", r.report());
        }
        try (QueueClient qq = QueueClient.open()) {
            qq.message().write("Subject: abandoned\n\n".getBytes(StandardCharsets.US_ASCII));
        }
        q.assertEmpty();
    }

    @Test
    void aQueueWithoutTodoIs66() throws Exception {
        Files.delete(q.root.resolve("queue/todo"));
        QueueResult r = QueueClient.submit("m\n".getBytes(StandardCharsets.US_ASCII), new Envelope("a@b", List.of("c@d")));
        assertEquals(66, r.exitCode());
        assertEquals("Zqq trouble creating files in queue (#4.3.0)", r.report());
        assertEquals(List.of(), q.mess());
        assertArrayEquals(new String[0], q.intd().toArray(new String[0]));
    }
}
