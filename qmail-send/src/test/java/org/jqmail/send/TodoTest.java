package org.jqmail.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.jqmail.common.ConstMap;
import org.jqmail.common.VirtualDomains;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TodoTest {
    @TempDir Path dir;
    TestQueue q;
    final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    final Log log = new Log(logged);
    final Rewrite rewrite = new Rewrite(ConstMap.ofLines(List.of("example.com")), ConstMap.EMPTY,
        VirtualDomains.parse(List.of("virt.example.net:vu")), "example.com");
    Todo todo;

    @BeforeEach
    void setUp() throws IOException {
        q = new TestQueue(dir);
        todo = new Todo(q.layout, log, () -> rewrite);
    }

    String log() {
        return logged.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void splitsRecipientsIntoInfoLocalAndRemote() throws IOException {
        long n = q.inject("joe@example.org", List.of("bob@example.com", "al@example.org", "x@virt.example.net", "nobody"),
            "hello\n");
        Todo.Prepared p = todo.prepare(n);
        assertNotNull(p, log());
        assertTrue(p.local());
        assertTrue(p.remote());
        assertEquals("Fjoe@example.org\0", q.text(q.layout.info(n)));
        assertEquals("Tbob@example.com\0Tvu-x@virt.example.net\0Tnobody@example.com\0", q.text(q.layout.local(n)));
        assertEquals("Tal@example.org\0", q.text(q.layout.remote(n)));
        long size = Files.size(q.layout.mess(n));
        assertEquals("new msg " + n + "\ninfo msg " + n + ": bytes " + size + " from <joe@example.org> qp 4242 uid 1000\n",
            log());
        assertEquals("0600", mode(q.layout.info(n)));
        // todo/N itself is removed only by the commit (qmail-clean)
        assertTrue(Files.exists(q.layout.todo(n)));
    }

    static String mode(Path p) throws IOException {
        int m = (Integer) Files.getAttribute(p, "unix:mode") & 07777;
        return String.format("%04o", m);
    }

    @Test
    void onlyChannelsWithRecipientsGetAFile() throws IOException {
        long n = q.inject("", List.of("a@elsewhere.org"), "x");
        Todo.Prepared p = todo.prepare(n);
        assertFalse(p.local());
        assertFalse(Files.exists(q.layout.local(n)));
        assertEquals("F\0", q.text(q.layout.info(n)));
    }

    @Test
    void staleFilesOfAnInterruptedAttemptAreReplaced() throws IOException {
        long n = q.inject("s@x", List.of("a@example.com"), "x");
        Files.writeString(q.layout.info(n), "garbage");
        Files.writeString(q.layout.remote(n), "Tstale@elsewhere\0");
        assertNotNull(todo.prepare(n));
        assertEquals("Fs@x\0", q.text(q.layout.info(n)));
        assertFalse(Files.exists(q.layout.remote(n)));
    }

    @Test
    void unknownRecordIsLoggedAndLeftInTodo() throws IOException {
        long n = q.injectRaw("u1\0p2\0Fs@x\0Xwhat\0".getBytes(StandardCharsets.ISO_8859_1), "m");
        assertNull(todo.prepare(n));
        assertTrue(log().contains("warning: unknown record type in todo/" + n + "\n"), log());
        assertTrue(Files.exists(q.layout.todo(n)));
    }

    @Test
    void overlongRecordIsTroubleReading() throws IOException {
        long n = q.injectRaw(("Fs@x\0T" + "a".repeat(Records.MAX + 10) + "\0").getBytes(StandardCharsets.ISO_8859_1), "m");
        assertNull(todo.prepare(n));
        assertTrue(log().contains("warning: trouble reading todo/" + n + "\n"), log());
    }

    @Test
    void aTodoFileGoneSinceTheScanListedItIsNoWarning() throws IOException {
        long n = q.inject("s@x", List.of("a@example.com"), "x");
        Files.delete(q.layout.todo(n)); // finished and removed while the scan went on
        assertNull(todo.prepare(n));
        assertEquals("", log());
    }

    @Test
    void missingMessFileIsLoggedAndLeft() throws IOException {
        long n = q.inject("s@x", List.of("a@example.com"), "x");
        Files.delete(q.layout.mess(n));
        assertNull(todo.prepare(n));
        assertTrue(log().contains("warning: unable to stat mess/" + (n % 23) + "/" + n + "\n"), log());
        assertFalse(Files.exists(q.layout.info(n)));
    }

    @Test
    void truncatedLastRecordIsIgnoredAsQmailDoes() throws IOException {
        long n = q.injectRaw("Fs@x\0Ta@example.com\0Tcut@exa".getBytes(StandardCharsets.ISO_8859_1), "m");
        assertNotNull(todo.prepare(n));
        assertEquals("Ta@example.com\0", q.text(q.layout.local(n)));
    }

    @Test
    void scanPostsEventsAndACommitRemovesTodoThroughQmailClean() throws Exception {
        long a = q.inject("s@x", List.of("a@example.com"), "1");
        long b = q.inject("s@x", List.of("b@elsewhere.org"), "2");
        long bad = q.injectRaw("Qbad\0".getBytes(StandardCharsets.ISO_8859_1), "3");
        LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
        FakeClean clean = new FakeClean(q.layout);
        Commits commits = new Commits(q.layout, clean.cleaner(), log, events, 3_600_000);
        TodoScan scan = new TodoScan(q.layout, todo, commits, log, events);
        scan.scan();
        assertEquals(2, events.size());
        assertTrue(events.contains(new Event.Preprocessed(a, true, false)));
        assertTrue(events.contains(new Event.Preprocessed(b, false, true)));
        commits.stop();
        assertFalse(Files.exists(q.layout.todo(a)));
        assertFalse(Files.exists(q.layout.intd(b)));
        assertTrue(Files.exists(q.layout.todo(bad)));
    }

    /**
     * lock/trigger made again while qmail-send runs: the alarm thread notices, the todo thread opens the
     * new FIFO (so a pull finds a reader again) and a pull there is acted on.
     */
    @Test
    void aTriggerMadeAgainIsOpenedAndPullsThroughItWork() throws Exception {
        Path fifo = q.layout.trigger();
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
        TodoScan scan = new TodoScan(q.layout, todo, new Commits(q.layout, new FakeClean(q.layout).cleaner(), log, events),
            log, events);
        scan.checkTriggerMillis = 50;
        scan.start();
        try {
            Files.delete(fifo);
            assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
            // opening a FIFO for writing waits for a reader: only the reopened trigger can be one
            java.util.concurrent.ExecutorService opener = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "opener");
                t.setDaemon(true); // stuck in open(2) for ever if nobody reads: it must not hold the JVM
                return t;
            });
            try {
                java.util.concurrent.Future<java.nio.channels.FileChannel> w = opener.submit(
                    () -> java.nio.channels.FileChannel.open(fifo, java.nio.file.StandardOpenOption.WRITE));
                try (java.nio.channels.FileChannel pull = w.get(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    long n = q.inject("s@x", List.of("a@example.com"), "after the new FIFO");
                    pull.write(java.nio.ByteBuffer.wrap(new byte[] {0}));
                    Event e;
                    do {
                        e = events.poll(30, java.util.concurrent.TimeUnit.SECONDS);
                    } while (e != null && !e.equals(new Event.Preprocessed(n, true, false)));
                    assertEquals(new Event.Preprocessed(n, true, false), e, log());
                }
            } finally {
                opener.shutdownNow();
            }
            assertTrue(log().contains("warning: lock/trigger was made again; reading the new one\n"), log());
        } finally {
            scan.stop(5000);
        }
    }

    @Test
    void aTriggerThatIsStillTheSameIsNotReplaced() throws Exception {
        Path fifo = q.layout.trigger();
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        try (Trigger t = Trigger.open(fifo)) {
            assertNotNull(t);
            assertFalse(t.replaced());
            Files.delete(fifo);
            assertFalse(t.replaced(), "gone: nothing better to open");
            Files.writeString(fifo, "a file");
            assertFalse(t.replaced(), "not a FIFO");
            Files.delete(fifo);
            assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
            assertTrue(t.replaced());
        }
    }
}
