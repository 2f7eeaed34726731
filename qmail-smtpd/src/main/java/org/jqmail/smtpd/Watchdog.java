package org.jqmail.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * timeoutsmtpd: every read from the client and every write to it must finish within the timeout
 * (qmail's timeoutread/timeoutwrite). The JDK has no timed read on an inherited fd, so a deadline is
 * armed before each read and write and cleared after it, and one daemon thread, "timeoutsmtpd",
 * watches the deadlines of every session in the JVM (qmail-smtpd-server serves many; a thread per
 * session would be started and ended for every connection). When one passes, its {@link Expiry} runs
 * in a thread of its own, so a write of the 451 that blocks holds up nobody else's timeout (the program
 * answers {@code 451 timeout (#4.4.2)} and exits; the server closes the socket: a qmail-queue
 * started for the message sees an incomplete envelope and queues nothing).
 */
final class Watchdog {
    /** What to do when a read or write took too long; {@code reading} tells which. */
    interface Expiry {
        void expired(boolean reading);
    }

    private static final Watcher WATCHER = new Watcher();

    private final long timeoutNanos;
    private final Expiry expiry;
    // guarded by this
    private long deadline;  // System.nanoTime() value; meaningful while armed
    private boolean armed;
    private boolean reading;
    private boolean fired;
    private boolean closed;

    Watchdog(long timeoutSeconds, Expiry expiry) {
        this.timeoutNanos = Math.min(timeoutSeconds, 100L * 365 * 86400) * 1_000_000_000L;
        this.expiry = expiry;
        WATCHER.add(this);
    }

    /*
     * No notify here: the watcher looks again at an unarmed watchdog no later than one timeout after its
     * last look, and a deadline armed since then is later than that.
     */
    private synchronized void arm(boolean forRead) {
        deadline = System.nanoTime() + timeoutNanos;
        reading = forRead;
        armed = true;
    }

    private synchronized void disarm() {
        armed = false;
    }

    /** For the watcher: true (once) when a read or write has been waiting past its deadline at {@code now}. */
    private synchronized boolean expire(long now) {
        if (closed || fired || !armed || deadline - now > 0) return false;
        fired = true;
        return true;
    }

    /** For the watcher: by when (System.nanoTime()) it must look at this one again. */
    private synchronized long nextLook(long now) {
        return armed ? deadline : now + timeoutNanos;
    }

    /** Runs the expiry, in its own thread when one can be had. */
    private void fire() {
        boolean forRead;
        synchronized (this) {
            forRead = reading;
        }
        Runnable r = new Runnable() {
            @Override
            public void run() {
                expiry.expired(forRead);
            }
        };
        Thread t = new Thread(r, "timeoutsmtpd-expired");
        t.setDaemon(true);
        try {
            t.start();
        } catch (OutOfMemoryError e) {
            r.run(); // late for the others rather than never
        }
    }

    /** Ends the watching of this session (the server runs many; a finished one must not stay watched). */
    void close() {
        synchronized (this) {
            closed = true;
            armed = false;
        }
        WATCHER.remove(this);
    }

    synchronized boolean fired() {
        return fired;
    }

    /** The one thread that watches every watchdog of the JVM; started with the first. */
    private static final class Watcher implements Runnable {
        /** Longest sleep with nothing to watch. */
        private static final long IDLE_NANOS = 3600L * 1_000_000_000L;
        // guarded by this
        private final Set<Watchdog> dogs = new HashSet<>();
        private Thread thread;
        private long wake; // System.nanoTime() the watcher sleeps until

        synchronized void add(Watchdog d) {
            dogs.add(d);
            if (thread == null) {
                Thread t = new Thread(this, "timeoutsmtpd");
                t.setDaemon(true);
                t.start();
                thread = t;
            } else if (System.nanoTime() + d.timeoutNanos - wake < 0) {
                notifyAll(); // a shorter timeout than any the watcher is sleeping for
            }
        }

        synchronized void remove(Watchdog d) {
            dogs.remove(d); // no wake-up: waking early is harmless, and rare
        }

        @Override
        public void run() {
            List<Watchdog> due = new ArrayList<>();
            for (;;) {
                synchronized (this) {
                    while (due.isEmpty()) {
                        long now = System.nanoTime();
                        long next = now + IDLE_NANOS;
                        for (Iterator<Watchdog> i = dogs.iterator(); i.hasNext(); ) {
                            Watchdog d = i.next();
                            if (d.expire(now)) {
                                due.add(d);
                                i.remove();
                            } else {
                                long look = d.nextLook(now);
                                if (look - next < 0) next = look;
                            }
                        }
                        if (!due.isEmpty()) break;
                        wake = next;
                        try {
                            wait((next - now) / 1_000_000 + 1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                for (Watchdog d : due) d.fire();
                due.clear();
            }
        }
    }

    /** {@code in}, with every read timed. */
    InputStream input(InputStream in) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                arm(true);
                try {
                    return in.read();
                } finally {
                    disarm();
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                arm(true);
                try {
                    return in.read(b, off, len);
                } finally {
                    disarm();
                }
            }

            @Override
            public int available() throws IOException {
                return in.available();
            }
        };
    }

    /** {@code out}, with every write timed. */
    OutputStream output(OutputStream out) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                arm(false);
                try {
                    out.write(b, off, len);
                } finally {
                    disarm();
                }
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }
        };
    }
}
