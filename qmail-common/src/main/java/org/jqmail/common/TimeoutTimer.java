package org.jqmail.common;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;

/**
 * The timer that a long-running process arms a timeout on for each unit of work (an injection, a
 * request) and disarms when the work is done in time: one daemon thread, and a cancelled timeout
 * leaves its queue at once. {@code Executors.newSingleThreadScheduledExecutor} keeps a cancelled task
 * until its delay has passed: qmail-queued arms {@code timeoutqueue} (a day) per injection, and
 * bench/soak found 237,000 cancelled tasks (17 MB, one per message) alive in its heap after 20
 * minutes of load, growing without end. No lambdas: the one-message programs use it too.
 */
public final class TimeoutTimer {
    private TimeoutTimer() {}

    /** A started timer whose one thread, a daemon, is named {@code threadName}. */
    public static ScheduledThreadPoolExecutor start(String threadName) {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, new ThreadFactory() {
            @Override
            public Thread newThread(Runnable r) {
                Thread th = new Thread(r, threadName);
                th.setDaemon(true);
                return th;
            }
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }
}
