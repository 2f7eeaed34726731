package org.jqmail.common;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The timer that a long-running process arms a timeout on for each unit of work (an injection, a
 * request, a wait for qmail-queued's answer) and cancels when the work is done in time. Such timeouts
 * are seconds to days long and almost never fire, so arming and cancelling must cost next to nothing:
 * <ul>
 * <li>Neither wakes a thread. A {@code ScheduledThreadPoolExecutor} wakes its thread whenever a new
 *     task becomes the earliest, which at one message at a time is every message: two context
 *     switches per message in qmail-smtpd-server's queue client alone, on machines with two cores
 *     (docs/DECISIONS.md). Here one daemon thread looks at the armed timeouts every {@link #TICK_MILLIS}
 *     while there are any, so a timeout fires up to a tick late; after {@link #IDLE_MILLIS} with
 *     none armed it sleeps until the next arming wakes it.
 * <li>A cancelled timeout leaves at once. {@code Executors.newSingleThreadScheduledExecutor} kept each
 *     cancelled task until its delay passed: bench/soak found 237,000 of qmail-queued's day-long
 *     {@code timeoutqueue} tasks (17 MB, one per message) in its heap after 20 minutes.
 * </ul>
 * The thread is started at the first arming. No lambdas: the one-message programs use it too.
 */
public final class TimeoutTimer {
    /** How often the armed timeouts are looked at, and so how late one may fire. */
    static final long TICK_MILLIS = 100;
    /** How long the thread goes on ticking with nothing armed before it sleeps until woken. */
    static final long IDLE_MILLIS = 10_000;

    private final String threadName;
    private final long idleNanos;
    private final Set<Timeout> armed = ConcurrentHashMap.newKeySet();
    private volatile Thread thread; // started at the first arming
    private volatile boolean sleeping; // the thread is parked without a deadline, or about to be
    private volatile boolean stopped;

    private TimeoutTimer(String threadName, long idleMillis) {
        this.threadName = threadName;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
    }

    /** A timer whose one thread, a daemon named {@code threadName}, starts when it is first needed. */
    public static TimeoutTimer start(String threadName) {
        return new TimeoutTimer(threadName, IDLE_MILLIS);
    }

    /** For tests: one that goes to sleep after {@code idleMillis} with nothing armed. */
    static TimeoutTimer start(String threadName, long idleMillis) {
        return new TimeoutTimer(threadName, idleMillis);
    }

    /** One armed timeout: {@link #cancel()} it when the work is done in time. */
    public final class Timeout {
        private final long due; // System.nanoTime()
        private final Runnable task;

        private Timeout(long due, Runnable task) {
            this.due = due;
            this.task = task;
        }

        /** It will not fire (unless it is firing now: the task must allow for that race). */
        public void cancel() {
            armed.remove(this);
        }
    }

    /** Runs {@code task} in the timer's thread after {@code delay} (up to a tick later) unless cancelled. */
    public Timeout arm(long delay, TimeUnit unit, Runnable task) {
        // A year is as good as forever here, and keeps nanoTime arithmetic far from overflowing.
        long nanos = Math.min(unit.toNanos(Math.max(0, delay)), TimeUnit.DAYS.toNanos(365));
        Timeout t = new Timeout(System.nanoTime() + nanos, task);
        armed.add(t);
        Thread th = thread;
        if (th == null) {
            startThread();
        } else if (sleeping) {
            LockSupport.unpark(th);
        }
        return t;
    }

    /** Timeouts armed and neither fired nor cancelled. */
    public int armed() {
        return armed.size();
    }

    /** Ends the thread; timeouts still armed never fire. For tests and orderly ends. */
    public void stop() {
        stopped = true;
        armed.clear();
        Thread th = thread;
        if (th != null) LockSupport.unpark(th);
    }

    private synchronized void startThread() {
        if (thread != null || stopped) return;
        Thread th = new Thread(new Runnable() {
            @Override
            public void run() {
                tick();
            }
        }, threadName);
        th.setDaemon(true);
        thread = th;
        th.start();
    }

    private void tick() {
        long idleSince = System.nanoTime();
        while (!stopped) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS));
            long now = System.nanoTime();
            for (Timeout t : armed) {
                if (now - t.due >= 0 && armed.remove(t)) fire(t);
            }
            if (!armed.isEmpty()) {
                idleSince = now;
            } else if (now - idleSince >= idleNanos) {
                // Announce the sleep before the last look, and arm() adds before it looks at the flag:
                // one of the two sees the other, so no timeout is left without a thread to fire it.
                sleeping = true;
                if (armed.isEmpty() && !stopped) LockSupport.park(this);
                sleeping = false;
                idleSince = System.nanoTime();
            }
        }
    }

    private static void fire(Timeout t) {
        try {
            t.task.run();
        } catch (Throwable e) {
            // A task that throws must not end the timer for every other timeout of the process.
            System.err.println("warning: a timeout's task failed: " + e);
        }
    }
}
