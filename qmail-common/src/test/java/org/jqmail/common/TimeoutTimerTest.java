package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TimeoutTimerTest {
    @Test
    void aCancelledTimeoutLeavesNothingBehind() {
        ScheduledThreadPoolExecutor t = TimeoutTimer.start("test timeouts");
        try {
            for (int i = 0; i < 10_000; i++) {
                ScheduledFuture<?> f = t.schedule(new Runnable() {
                    @Override
                    public void run() {
                    }
                }, 1, TimeUnit.DAYS);
                f.cancel(false);
            }
            assertEquals(0, t.getQueue().size());
        } finally {
            t.shutdownNow();
        }
    }

    @Test
    void anArmedTimeoutFiresInADaemonThread() throws Exception {
        ScheduledThreadPoolExecutor t = TimeoutTimer.start("test timeouts");
        try {
            CountDownLatch fired = new CountDownLatch(1);
            boolean[] daemon = new boolean[1];
            t.schedule(new Runnable() {
                @Override
                public void run() {
                    daemon[0] = Thread.currentThread().isDaemon() && Thread.currentThread().getName().equals("test timeouts");
                    fired.countDown();
                }
            }, 10, TimeUnit.MILLISECONDS);
            assertTrue(fired.await(10, TimeUnit.SECONDS));
            assertTrue(daemon[0]);
        } finally {
            t.shutdownNow();
        }
    }
}
