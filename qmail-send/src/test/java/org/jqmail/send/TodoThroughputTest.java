package org.jqmail.send;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.jqmail.common.ConstMap;
import org.jqmail.common.VirtualDomains;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a timing assertion: measures how many todo entries per second the todo thread preprocesses and
 * commits (messages of two recipients, which {@link Commits} does not hold: files written and fsync'd,
 * directories synced, todo/ removed through a qmail-clean stand-in)
 * on the temporary directory's file system, and prints the figure. The count is
 * {@code -Djqmail.bench.todo=N} (default 2000). What it asserts is that every entry was processed.
 */
class TodoThroughputTest {
    @TempDir Path dir;

    @Test
    void measureTodoEntriesPerSecond() throws Exception {
        int count = Integer.getInteger("jqmail.bench.todo", 2000);
        TestQueue q = new TestQueue(dir);
        for (int i = 0; i < count; i++) {
            q.inject("sender" + i + "@example.org", List.of("local" + i + "@example.com", "remote" + i + "@example.net"),
                "Subject: bench\n\nmessage " + i + "\n");
        }
        Log log = new Log(new ByteArrayOutputStream());
        Rewrite rw = new Rewrite(ConstMap.ofLines(List.of("example.com")), ConstMap.EMPTY, VirtualDomains.NONE, "example.com");
        LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Commits commits = new Commits(q.layout, new FakeClean(q.layout).cleaner(), log, events, 3_600_000);
        TodoScan scan = new TodoScan(q.layout, new Todo(q.layout, log, () -> rw), commits, log, events);
        long t0 = System.nanoTime();
        scan.scan();
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(count, events.size());
        try (var s = Files.list(q.queue.resolve("todo"))) {
            assertEquals(0, s.count());
        }
        System.out.printf("todo throughput: %d entries in %.2f s = %.0f entries/s (file system of %s: %s)%n", count, seconds,
            count / seconds, dir, Files.getFileStore(dir).type());
    }
}
