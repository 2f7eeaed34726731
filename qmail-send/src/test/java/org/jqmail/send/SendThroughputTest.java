package org.jqmail.send;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jqmail.spawn.ExitStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a timing assertion: the whole path through a real qmail-send process — todo preprocessing, one
 * local and one remote delivery per message answered K at once by the test's spawners, marking, and
 * finishing through qmail-clean — for {@code -Djqmail.bench.send=N} messages (default 1000) queued
 * before it starts. Prints messages per second; asserts that every message ended and left no file.
 */
class SendThroughputTest {
    @TempDir Path root;

    @Test
    void measureMessagesPerSecond() throws Exception {
        int count = Integer.getInteger("jqmail.bench.send", 1000);
        TestQueue q = new TestQueue(root);
        q.control("me", "mx.example.com\n");
        q.control("locals", "example.com\n");
        new ProcessBuilder("mkfifo", q.queue.resolve("lock/trigger").toString()).start().waitFor();
        for (int i = 0; i < count; i++) {
            q.inject("s" + i + "@example.org", List.of("l" + i + "@example.com", "r" + i + "@example.net"), "m " + i + "\n");
        }
        try (SendProcess p = new SendProcess(root, List.of())) {
            p.hello(120, 120);
            FakeCleanProcess.start(q.layout, p);
            for (int c = 0; c < Channel.COUNT; c++) {
                int channel = c;
                Thread t = new Thread(() -> {
                    try {
                        for (;;) {
                            SendProcess.Request r = p.readRequestForBench(channel);
                            p.report(channel, r.slot(), "Kok\n");
                        }
                    } catch (Exception e) {
                        // qmail-send gone
                    }
                });
                t.setDaemon(true);
                t.start();
            }
            p.awaitLine("status: local 0/10 remote 0/20");
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) p.awaitPrefix("end msg ");
            double seconds = (System.nanoTime() - t0) / 1e9;
            p.signal(15);
            assertEquals(ExitStatus.exited(0), p.waitFor());
            System.out.printf("qmail-send throughput: %d messages (2 deliveries each) in %.2f s = %.0f messages/s (%s)%n",
                count, seconds, count / seconds, Files.getFileStore(root).type());
        }
        for (String d : new String[] {"info", "local", "remote", "mess"}) {
            for (int s = 0; s < 23; s++) {
                try (var l = Files.list(q.queue.resolve(d).resolve("" + s))) {
                    assertEquals(0, l.count(), d + "/" + s);
                }
            }
        }
    }
}
