package org.jqmail.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * timeoutsmtpd: every read from the client and every write to it must finish within the timeout
 * (qmail's timeoutread/timeoutwrite). The JDK has no timed read on an inherited fd, so one daemon
 * thread watches a deadline that each read and write arms and clears; when it passes, the
 * {@link Expiry} runs (the program answers {@code 451 timeout (#4.4.2)} and exits: a qmail-queue
 * started for the message sees an incomplete envelope and queues nothing).
 */
final class Watchdog {
    /** What to do when a read or write took too long; {@code reading} tells which. */
    interface Expiry {
        void expired(boolean reading);
    }

    private final long timeoutNanos;
    private final Expiry expiry;
    private long deadline;  // System.nanoTime() value; meaningful while armed
    private boolean armed;
    private boolean reading;
    private boolean fired;
    private boolean closed;

    Watchdog(long timeoutSeconds, Expiry expiry) {
        this.timeoutNanos = Math.min(timeoutSeconds, 100L * 365 * 86400) * 1_000_000_000L;
        this.expiry = expiry;
        // an anonymous class, not a lambda: no invokedynamic bootstrap in a program that lives 50 ms
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                watch();
            }
        }, "timeoutsmtpd");
        t.setDaemon(true);
        t.start();
    }

    private synchronized void arm(boolean forRead) {
        deadline = System.nanoTime() + timeoutNanos;
        reading = forRead;
        armed = true;
        notifyAll();
    }

    private synchronized void disarm() {
        armed = false;
    }

    private void watch() {
        boolean forRead;
        synchronized (this) {
            try {
                for (;;) {
                    if (closed) return;
                    if (!armed) {
                        wait();
                        continue;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) break;
                    wait(left / 1_000_000 + 1);
                }
            } catch (InterruptedException e) {
                return;
            }
            fired = true;
            forRead = reading;
        }
        expiry.expired(forRead);
    }

    /**
     * Ends the watching thread once the session is over. qmail-smtpd's JVM ends with its session, but
     * qmail-smtpd-server runs many sessions, each with its own watchdog, and a thread left waiting
     * for each would pile up.
     */
    synchronized void close() {
        closed = true;
        armed = false;
        notifyAll();
    }

    synchronized boolean fired() {
        return fired;
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
