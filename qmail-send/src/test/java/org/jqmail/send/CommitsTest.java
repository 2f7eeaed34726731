package org.jqmail.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jqmail.common.ConstMap;
import org.jqmail.common.VirtualDomains;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * todo/N of a one-recipient message held while it is delivered: removed by the finisher when the
 * message is done within the hold, committed (files kept, todo/N removed) when it is still queued after
 * it or at a stop, never preprocessed twice while held, and a claim that meets a running commit waits
 * for it; a message of several recipients committed before it is posted.
 */
class CommitsTest {
    static final long FOREVER = 3_600_000;

    @TempDir Path dir;
    TestQueue q;
    final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    final Log log = new Log(logged);
    final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    Todo todo;

    @BeforeEach
    void setUp() throws IOException {
        q = new TestQueue(dir);
        Rewrite rw = new Rewrite(ConstMap.ofLines(List.of("example.com")), ConstMap.EMPTY, VirtualDomains.NONE, "example.com");
        todo = new Todo(q.layout, log, () -> rw);
    }

    String log() {
        return logged.toString(StandardCharsets.ISO_8859_1);
    }

    /** Commits with a qmail-clean that answers at once, holding for {@code holdMillis}. */
    Commits commits(long holdMillis) {
        return commits(new FakeClean(q.layout), holdMillis);
    }

    Commits commits(FakeClean clean, long holdMillis) {
        return new Commits(q.layout, clean.cleaner(), log, events, holdMillis);
    }

    TodoScan scan(Commits commits) {
        return new TodoScan(q.layout, todo, commits, log, events);
    }

    Finisher finisher(Cleaner cleaner, Commits commits) {
        return new Finisher(q.layout, log, cleaner, commits, () -> null, (b, f, m, now) -> null, events);
    }

    static void await(String what, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out: " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void aScanPostsAOneRecipientMessageAtOnceAndKeepsTodoUntilTheHoldEnds() throws Exception {
        long n = q.inject("s@x", List.of("b@elsewhere.org"), "1");
        Commits commits = commits(200);
        scan(commits).scan();
        assertEquals(new Event.Preprocessed(n, false, true), events.poll());
        assertTrue(Files.exists(q.layout.todo(n)), "held: todo/N is still the message's durable record");
        assertTrue(Files.exists(q.layout.remote(n)));
        await("the commit after the hold", () -> !Files.exists(q.layout.todo(n)));
        assertFalse(Files.exists(q.layout.intd(n)));
        assertEquals("Fs@x\0", q.text(q.layout.info(n)));
        assertEquals("Tb@elsewhere.org\0", q.text(q.layout.remote(n)));
        assertEquals(0, commits.held());
        assertTrue(events.isEmpty(), "posted once");
    }

    /** A crash after some of its deliveries must not repeat them: committed before the loop sees it. */
    @Test
    void aMessageOfSeveralRecipientsIsCommittedBeforeItIsPosted() throws Exception {
        long n = q.inject("s@x", List.of("a@example.com", "b@elsewhere.org"), "1");
        long one = q.inject("s@x", List.of("c@example.com"), "2");
        Commits commits = commits(FOREVER);
        scan(commits).scan();
        assertEquals(Set.of(new Event.Preprocessed(n, true, true), new Event.Preprocessed(one, true, false)),
            Set.copyOf(events));
        assertFalse(Files.exists(q.layout.todo(n)), "committed");
        assertEquals("Ta@example.com\0", q.text(q.layout.local(n)));
        assertEquals("Tb@elsewhere.org\0", q.text(q.layout.remote(n)));
        assertTrue(Files.exists(q.layout.todo(one)), "held");
        assertEquals(1, commits.held());
    }

    @Test
    void manyHeldMessagesAreAllCommittedInBatchesAfterTheHold() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3 * Commits.BATCH + 5; i++) ids.add(q.inject("s@x", List.of("r" + i + "@example.com"), "m"));
        Commits commits = commits(100);
        scan(commits).scan();
        assertEquals(ids.size(), events.size());
        await("every todo/N committed", () -> commits.held() == 0);
        for (long n : ids) {
            assertFalse(Files.exists(q.layout.todo(n)));
            assertTrue(Files.exists(q.layout.local(n)));
        }
    }

    @Test
    void onceTheHoldIsFullTheNextMessagesAreCommittedBeforeTheyArePosted() throws Exception {
        long a = q.inject("s@x", List.of("a@example.com"), "1");
        Commits commits = commits(FOREVER);
        commits.maxHeld = 1;
        scan(commits).scan();
        long b = q.inject("s@x", List.of("b@example.com"), "2");
        scan(commits).scan();
        assertEquals(List.of(new Event.Preprocessed(a, true, false), new Event.Preprocessed(b, true, false)),
            List.copyOf(events));
        assertTrue(Files.exists(q.layout.todo(a)), "held");
        assertFalse(Files.exists(q.layout.todo(b)), "committed: the hold was full");
        assertEquals(1, commits.held());
    }

    @Test
    void aHeldMessageIsNotPreprocessedAgain() throws Exception {
        long n = q.inject("s@x", List.of("a@example.com"), "1");
        Commits commits = commits(FOREVER);
        TodoScan scan = scan(commits);
        scan.scan();
        scan.scan();
        assertEquals(List.of(new Event.Preprocessed(n, true, false)), List.copyOf(events));
        assertEquals(1, log().split("new msg ", -1).length - 1, log());
    }

    @Test
    void aMessageFinishedInTheHoldLosesTodoThroughTheFinisherAndIsNeverCommitted() throws Exception {
        long n = q.inject("s@x", List.of("a@example.com"), "1");
        Cleaner cleaner = new FakeClean(q.layout).cleaner();
        Commits commits = new Commits(q.layout, cleaner, log, events, FOREVER);
        scan(commits).scan();
        Files.delete(q.layout.local(n)); // its one recipient delivered: what the loop's job_close does
        assertTrue(finisher(cleaner, commits).messDone(n), log());
        assertEquals(0, commits.held());
        for (Path p : List.of(q.layout.todo(n), q.layout.intd(n), q.layout.info(n), q.layout.mess(n))) {
            assertFalse(Files.exists(p), p.toString());
        }
        assertTrue(log().endsWith("end msg " + n + "\n"), log());
    }

    @Test
    void aStopCommitsEveryHeldMessage() throws Exception {
        long a = q.inject("s@x", List.of("a@example.com"), "1");
        long b = q.inject("s@x", List.of("b@elsewhere.org"), "2");
        Commits commits = commits(FOREVER);
        scan(commits).scan();
        assertEquals(2, commits.held());
        commits.stop();
        assertEquals(0, commits.held());
        assertFalse(Files.exists(q.layout.todo(a)));
        assertFalse(Files.exists(q.layout.todo(b)));
        assertTrue(Files.exists(q.layout.local(a)));
        assertTrue(Files.exists(q.layout.remote(b)));
    }

    @Test
    void aChannelFileRemovedBeforeTheCommitIsNoTrouble() throws Exception {
        long n = q.inject("s@x", List.of("b@elsewhere.org"), "1");
        Commits commits = commits(FOREVER);
        scan(commits).scan();
        Files.delete(q.layout.remote(n)); // delivered; the finisher has not come to it yet
        commits.stop();
        assertFalse(Files.exists(q.layout.todo(n)));
        assertTrue(Files.exists(q.layout.info(n)));
        assertFalse(log().contains("warning"), log());
    }

    @Test
    void aClaimDuringACommitWaitsAndFindsTodoGone() throws Exception {
        long n = q.inject("s@x", List.of("a@example.com"), "1");
        CountDownLatch answer = new CountDownLatch(1);
        Cleaner slow = new FakeClean(q.layout, answer).cleaner();
        Commits commits = new Commits(q.layout, slow, log, events, FOREVER);
        scan(commits).scan();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> stop = threads.submit(commits::stop); // the commit: waits in qmail-clean's answer
            await("the commit has sent its request", () -> !Files.exists(q.layout.todo(n)));
            Future<Boolean> claim = threads.submit(() -> commits.claim(n));
            Thread.sleep(200);
            assertFalse(claim.isDone(), "a claim must wait for the commit's outcome");
            answer.countDown();
            stop.get(30, TimeUnit.SECONDS);
            assertFalse(claim.get(30, TimeUnit.SECONDS), "committed: todo/N is not the claimant's to remove");
        } finally {
            answer.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void aReleasedClaimIsCommittedAtTheNextLook() throws Exception {
        long n = q.inject("s@x", List.of("a@example.com"), "1");
        Commits commits = commits(100);
        scan(commits).scan();
        assertTrue(commits.claim(n));
        Thread.sleep(300); // longer than the hold: claimed, so not committed
        assertTrue(Files.exists(q.layout.todo(n)));
        commits.released(n);
        await("the commit after the release", () -> !Files.exists(q.layout.todo(n)));
        assertEquals(0, commits.held());
    }

    /** A failed commit is tried again after qmail's 30 s pause; the look armed for it must not wait the next one. */
    @Test
    void aFailedCommitsLongRetryDoesNotDelayTheNextMessagesCommit() throws Exception {
        FakeClean clean = new FakeClean(q.layout);
        clean.refusals = 1;
        Commits commits = commits(clean, 100);
        long a = q.inject("s@x", List.of("a@example.com"), "1");
        scan(commits).scan();
        await("the refused commit", () -> clean.refusals == 0 && commits.held() == 1);
        Thread.sleep(50); // the refused one settled: its retry (30 s later) is the look armed now
        long b = q.inject("s@x", List.of("b@example.com"), "2");
        scan(commits).scan();
        await("the next message's commit after its hold", () -> !Files.exists(q.layout.todo(b)));
        assertTrue(Files.exists(q.layout.todo(a)), "the refused one waits for its retry");
        assertEquals(1, commits.held());
    }

    /**
     * Messages held while looks run, commits slow: one look is armed at a time (two while one
     * replaces another). bench/queue-growth found 9,600 armed after 30 s when a message held while a
     * look committed armed one more each time, and each of those armed its own next.
     */
    @Test
    void holdsWhileLooksRunKeepOneLookArmed() throws Exception {
        FakeClean clean = new FakeClean(q.layout);
        clean.answerMillis = 2;
        Commits commits = commits(clean, 200);
        TodoScan scan = scan(commits);
        int most = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (int i = 0; System.nanoTime() < end; i++) {
            q.inject("s@x", List.of("r" + i + "@example.com"), "m");
            scan.scan();
            most = Math.max(most, commits.looksArmed());
            Thread.sleep(1);
        }
        await("every message committed", () -> commits.held() == 0);
        assertTrue(most <= 2, "looks armed at most: " + most);
        await("no look left armed", () -> commits.looksArmed() == 0);
    }
}
