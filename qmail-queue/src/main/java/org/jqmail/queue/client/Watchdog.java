package org.jqmail.queue.client;

import java.io.IOException;
import java.nio.channels.Channel;

/**
 * Closes a channel when a wait on it has lasted too long: a blocking SocketChannel has no read timeout,
 * and closing it is what wakes a thread blocked in it (AsynchronousCloseException). One daemon thread
 * per connection, armed and disarmed around each wait; no lambdas (each costs a bootstrap at start-up).
 */
final class Watchdog implements Runnable {
    private final Channel channel;
    private long deadline; // System.nanoTime(); 0 = disarmed. Guarded by this.
    private boolean stopped;
    private boolean fired;

    Watchdog(Channel channel) {
        this.channel = channel;
        Thread t = new Thread(this, "qmail-queued client watchdog");
        t.setDaemon(true);
        t.start();
    }

    /** From now on, the channel is closed if {@link #disarm()} is not called within {@code millis}. */
    synchronized void arm(long millis) {
        deadline = System.nanoTime() + millis * 1_000_000L;
        if (deadline == 0) deadline = 1;
        notifyAll();
    }

    synchronized void disarm() {
        deadline = 0;
        notifyAll();
    }

    /** Ends the thread. */
    synchronized void stop() {
        stopped = true;
        notifyAll();
    }

    /** True if it closed the channel. */
    synchronized boolean fired() {
        return fired;
    }

    @Override
    public void run() {
        synchronized (this) {
            try {
                while (!stopped) {
                    if (deadline == 0) {
                        wait();
                        continue;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        fired = true;
                        break;
                    }
                    wait(left / 1_000_000L + 1);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
        if (fired) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closed is what we wanted
            }
        }
    }
}
