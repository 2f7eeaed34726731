package org.jqmail.common;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Platform threads for the long-running processes' units of work (a delivery, an injection), kept for
 * a minute after their task ends and given to the next one. A thread per unit cost a clone(2), a stack
 * mapping and the JVM's own thread set-up on every message (four of them per message end to end,
 * counted with strace); reused, it costs a hand-over. No queue: a task gets an idle thread or a new
 * one, at once, so the callers' own limits (delivery slots, connection semaphores) stay the only limits.
 * Platform threads, not virtual ones: these tasks block in fsync and in native calls that would pin a
 * carrier.
 */
public final class ReusedThreads {
    private static final long KEEP_SECONDS = 60;

    private final ThreadPoolExecutor pool;

    /** Threads named {@code prefix}N; {@code daemon} ones do not keep the JVM alive. */
    public ReusedThreads(String prefix, boolean daemon) {
        AtomicLong serial = new AtomicLong();
        ThreadFactory factory = new ThreadFactory() {
            @Override
            public Thread newThread(Runnable r) {
                Thread t = new Thread(r, prefix + serial.incrementAndGet());
                t.setDaemon(daemon);
                return t;
            }
        };
        pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, KEEP_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(), factory);
    }

    /**
     * Runs {@code task} in an idle or a new thread. Throws what thread creation throws (OutOfMemoryError
     * when no thread can be had), or RejectedExecutionException after {@link #finish()}.
     */
    public void start(Runnable task) {
        pool.execute(task);
    }

    /** Takes no more tasks and waits until every started one has ended. */
    public void finish() throws InterruptedException {
        pool.shutdown();
        while (!pool.awaitTermination(1, TimeUnit.DAYS)) {
            // a delivery can take long; keep waiting
        }
    }
}
