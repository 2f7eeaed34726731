package org.jqmail.queue.client;

import java.io.IOException;
import java.nio.channels.Channel;
import java.util.concurrent.TimeUnit;
import org.jqmail.common.TimeoutTimer;

/**
 * Closes a channel when a wait on it has lasted too long: a blocking SocketChannel has no read timeout,
 * and closing it is what wakes a thread blocked in it (AsynchronousCloseException). Armed and disarmed
 * around each wait. One timer thread for the whole process, made at the first use: qmail-smtpd-server
 * queues every message through here, and a thread per injection cost a clone(2) and the JVM's thread
 * set-up each time; arming and disarming wake no thread, and the thread starts only at the first
 * arming ({@link TimeoutTimer}). No lambdas (each costs a bootstrap at start-up, paid by one-message
 * programs).
 */
final class Watchdog {
    /** The one timer of the process; its thread, a daemon, never keeps a program alive. */
    private static final TimeoutTimer TIMER = TimeoutTimer.start("qmail-queued client watchdog");

    private final Channel channel;
    private TimeoutTimer.Timeout pending; // guarded by this
    private boolean stopped; // guarded by this
    private boolean fired; // guarded by this
    private long armings; // guarded by this: which arming a timer task belongs to

    Watchdog(Channel channel) {
        this.channel = channel;
    }

    /** From now on, the channel is closed if {@link #disarm()} is not called within {@code millis}. */
    synchronized void arm(long millis) {
        if (stopped) return;
        cancel();
        pending = TIMER.arm(millis, TimeUnit.MILLISECONDS, new Expiry(++armings));
    }

    synchronized void disarm() {
        cancel();
    }

    /** No more waits. */
    synchronized void stop() {
        stopped = true;
        cancel();
    }

    /** True if it closed the channel. */
    synchronized boolean fired() {
        return fired;
    }

    private void cancel() {
        if (pending != null) pending.cancel();
        pending = null;
    }

    /** The timer's task for one arming: that wait lasted too long, unless it was disarmed just now. */
    private final class Expiry implements Runnable {
        private final long arming;

        Expiry(long arming) {
            this.arming = arming;
        }

        @Override
        public void run() {
            synchronized (Watchdog.this) {
                if (pending == null || stopped || arming != armings) return; // disarmed on its way
                fired = true;
                pending = null;
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // closed is what we wanted
            }
        }
    }
}
