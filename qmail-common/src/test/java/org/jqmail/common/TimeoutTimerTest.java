package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimeoutTimerTest {
    private final List<TimeoutTimer> timers = new ArrayList<>();

    private TimeoutTimer started(String name) {
        return track(TimeoutTimer.start(name));
    }

    private TimeoutTimer started(String name, long idleMillis) {
        return track(TimeoutTimer.start(name, idleMillis));
    }

    private TimeoutTimer track(TimeoutTimer t) {
        timers.add(t);
        return t;
    }

    @AfterEach
    void stopTimers() {
        for (TimeoutTimer t : timers) t.stop();
    }

    private static final Runnable NOTHING = () -> { };

    @Test
    void aCancelledTimeoutLeavesNothingBehind() {
        TimeoutTimer t = started("test timeouts");
        for (int i = 0; i < 10_000; i++) t.arm(1, TimeUnit.DAYS, NOTHING).cancel();
        assertEquals(0, t.armed());
    }

    @Test
    void anArmedTimeoutFiresInADaemonThread() throws Exception {
        TimeoutTimer t = started("test timeouts");
        CountDownLatch fired = new CountDownLatch(1);
        boolean[] daemon = new boolean[1];
        t.arm(10, TimeUnit.MILLISECONDS, () -> {
            daemon[0] = Thread.currentThread().isDaemon() && Thread.currentThread().getName().equals("test timeouts");
            fired.countDown();
        });
        assertTrue(fired.await(10, TimeUnit.SECONDS));
        assertTrue(daemon[0]);
        assertEquals(0, t.armed());
    }

    @Test
    void aCancelledTimeoutDoesNotFireAndTheOthersDo() throws Exception {
        TimeoutTimer t = started("test timeouts");
        AtomicInteger cancelledRan = new AtomicInteger();
        CountDownLatch others = new CountDownLatch(2);
        t.arm(50, TimeUnit.MILLISECONDS, others::countDown);
        t.arm(50, TimeUnit.MILLISECONDS, cancelledRan::incrementAndGet).cancel();
        t.arm(0, TimeUnit.MILLISECONDS, others::countDown);
        assertTrue(others.await(10, TimeUnit.SECONDS));
        Thread.sleep(3 * TimeoutTimer.TICK_MILLIS);
        assertEquals(0, cancelledRan.get());
    }

    @Test
    void aTaskThatThrowsDoesNotEndTheTimer() throws Exception {
        TimeoutTimer t = started("test timeouts");
        t.arm(0, TimeUnit.MILLISECONDS, () -> {
            throw new IllegalStateException("a bug in a task");
        });
        CountDownLatch fired = new CountDownLatch(1);
        t.arm(20, TimeUnit.MILLISECONDS, fired::countDown);
        assertTrue(fired.await(10, TimeUnit.SECONDS));
    }

    @Test
    void anArmingWakesTheTimerFromItsIdleSleep() throws Exception {
        TimeoutTimer t = started("test timeouts", 1);
        t.arm(1, TimeUnit.DAYS, NOTHING).cancel();
        Thread.sleep(5 * TimeoutTimer.TICK_MILLIS); // nothing armed: asleep by now
        CountDownLatch fired = new CountDownLatch(1);
        t.arm(10, TimeUnit.MILLISECONDS, fired::countDown);
        assertTrue(fired.await(10, TimeUnit.SECONDS));
    }

    @Test
    void noThreadUntilTheFirstArming() {
        String name = "test timeouts " + System.nanoTime();
        TimeoutTimer t = started(name);
        assertFalse(threadNamed(name));
        t.arm(1, TimeUnit.DAYS, NOTHING).cancel();
        assertTrue(threadNamed(name));
    }

    private static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(th -> th.getName().equals(name));
    }
}
