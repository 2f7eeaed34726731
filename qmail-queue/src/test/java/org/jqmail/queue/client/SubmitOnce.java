package org.jqmail.queue.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jqmail.common.Envelope;

/**
 * Not a test: submissions through QueueClient as an injecting program makes them, for the tests that
 * look at what such a JVM loads and for bench/queued-bench.sh.
 * <ul>
 * <li>{@code SubmitOnce [TEXT]}: one submission; prints {@code EXIT QP MILLIS} (MILLIS from main's
 *     start to the result) and exits 0 if queued;
 * <li>{@code SubmitOnce TEXT N THREADS}: N submissions, THREADS at a time; prints
 *     {@code queued=Q of N in MILLIS ms: R/s} and exits 0 if all were queued.
 * </ul>
 */
public final class SubmitOnce {
    private static final Envelope ENV = new Envelope("me@example.org", List.of("you@example.org"));

    private SubmitOnce() {}

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        byte[] message = ("Subject: submit-once\n\n" + (args.length > 0 ? args[0] : "hello") + "\n").getBytes(StandardCharsets.US_ASCII);
        if (args.length < 3) {
            QueueResult r = QueueClient.submit(message, ENV);
            System.out.println(r.exitCode() + " " + r.pid() + " " + (System.nanoTime() - t0) / 1_000_000);
            System.exit(r.queued() ? 0 : 1);
        }
        int n = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger queued = new AtomicInteger();
        Thread[] ts = new Thread[threads];
        long s = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            ts[i] = new Thread(() -> {
                while (next.getAndIncrement() < n) {
                    try {
                        if (QueueClient.submit(message, ENV).queued()) queued.incrementAndGet();
                    } catch (java.io.IOException e) {
                        System.err.println("SubmitOnce: " + e);
                    }
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) t.join();
        long ms = (System.nanoTime() - s) / 1_000_000;
        System.out.printf("queued=%d of %d in %d ms: %.1f/s%n", queued.get(), n, ms, queued.get() * 1000.0 / Math.max(1, ms));
        System.exit(queued.get() == n ? 0 : 1);
    }
}
