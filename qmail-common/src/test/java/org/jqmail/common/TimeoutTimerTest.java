package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TimeoutTimerTest {
    private static final Runnable NOTHING = new Runnable() {
        @Override
        public void run() {
        }
    };

    @Test
    void aCancelledTimeoutLeavesNothingBehind() {
        TimeoutTimer t = TimeoutTimer.start("test timeouts");
        try {
            for (int i = 0; i < 10_000; i++) t.arm(1, TimeUnit.DAYS, NOTHING).cancel();
            assertEquals(0, t.armed());
        } finally {
            t.stop();
        }
    }

    @Test
    void anArmedTimeoutFiresInADaemonThread() throws Exception {
        TimeoutTimer t = TimeoutTimer.start("test timeouts");
        try {
            CountDownLatch fired = new CountDownLatch(1);
            boolean[] daemon = new boolean[1];
            t.arm(10, TimeUnit.MILLISECONDS, new Runnable() {
                @Override
                public void run() {
                    daemon[0] = Thread.currentThread().isDaemon() && Thread.currentThread().getName().equals("test timeouts");
                    fired.countDown();
                }
            });
            assertTrue(fired.await(10, TimeUnit.SECONDS));
            assertTrue(daemon[0]);
            assertEquals(0, t.armed());
        } finally {
            t.stop();
        }
    }

    @Test
    void aCancelledTimeoutDoesNotFireAndTheOthersDo() throws Exception {
        TimeoutTimer t = TimeoutTimer.start("test timeouts");
        try {
            AtomicInteger cancelledRan = new AtomicInteger();
            CountDownLatch others = new CountDownLatch(2);
            Runnable countCancelled = new Runnable() {
                @Override
                public void run() {
                    cancelledRan.incrementAndGet();
                }
            };
            Runnable countOther = new Runnable() {
                @Override
                public void run() {
                    others.countDown();
                }
            };
            t.arm(50, TimeUnit.MILLISECONDS, countOther);
            t.arm(50, TimeUnit.MILLISECONDS, countCancelled).cancel();
            t.arm(0, TimeUnit.MILLISECONDS, countOther);
            assertTrue(others.await(10, TimeUnit.SECONDS));
            Thread.sleep(3 * TimeoutTimer.TICK_MILLIS);
            assertEquals(0, cancelledRan.get());
        } finally {
            t.stop();
        }
    }

    @Test
    void aTaskThatThrowsDoesNotEndTheTimer() throws Exception {
        TimeoutTimer t = TimeoutTimer.start("test timeouts");
        try {
            t.arm(0, TimeUnit.MILLISECONDS, new Runnable() {
                @Override
                public void run() {
                    throw new IllegalStateException("a bug in a task");
                }
            });
            CountDownLatch fired = new CountDownLatch(1);
            t.arm(20, TimeUnit.MILLISECONDS, new Runnable() {
                @Override
                public void run() {
                    fired.countDown();
                }
            });
            assertTrue(fired.await(10, TimeUnit.SECONDS));
        } finally {
            t.stop();
        }
    }

    @Test
    void anArmingWakesTheTimerFromItsIdleSleep() throws Exception {
        TimeoutTimer t = TimeoutTimer.start("test timeouts", 1);
        try {
            t.arm(1, TimeUnit.DAYS, NOTHING).cancel();
            Thread.sleep(5 * TimeoutTimer.TICK_MILLIS); // nothing armed: asleep by now
            CountDownLatch fired = new CountDownLatch(1);
            t.arm(10, TimeUnit.MILLISECONDS, new Runnable() {
                @Override
                public void run() {
                    fired.countDown();
                }
            });
            assertTrue(fired.await(10, TimeUnit.SECONDS));
        } finally {
            t.stop();
        }
    }

    @Test
    void noThreadUntilTheFirstArming() {
        String name = "test timeouts " + System.nanoTime();
        TimeoutTimer t = TimeoutTimer.start(name);
        try {
            assertFalse(threadNamed(name));
            t.arm(1, TimeUnit.DAYS, NOTHING).cancel();
            assertTrue(threadNamed(name));
        } finally {
            t.stop();
        }
    }

    private static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(th -> th.getName().equals(name));
    }
}
