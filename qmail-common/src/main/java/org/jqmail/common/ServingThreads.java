package org.jqmail.common;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How our long-running servers (qmail-smtpd-server, qmail-queued) take connections: every thread
 * accepts one and serves it itself, then goes back to accepting ("leader/followers"). An accept loop
 * that hands each connection to a worker thread puts a thread wake-up on every connection's path
 * before its first byte is answered; on our two-core machines that hand-over was a context switch
 * with the client and the rest of the suite waiting (docs/DECISIONS.md).
 * <p>
 * Several threads may wait in accept at once (the JDK lets one into the system call, the rest queue
 * behind its lock). The thread that takes the last waiting place's connection first starts another
 * acceptor (a thread from {@link ReusedThreads}: idle, or new), so that the next connection is never
 * waiting for a session to end; a thread that has served its connection and finds
 * {@code maxWaiting} others waiting returns to the pool, where it stays a minute for reuse.
 * So there are as many threads as connections being served, plus at most {@code maxWaiting}.
 *
 * @param <C> a connection
 */
public final class ServingThreads<C> {
    /** Takes the next connection; blocks. Null: the server is closed and this thread should end. */
    public interface Acceptor<C> {
        C accept();
    }

    /** Serves one connection to its end and releases it; never throws. */
    public interface Service<C> {
        void serve(C connection);
    }

    private final ReusedThreads threads;
    private final Acceptor<C> acceptor;
    private final Service<C> service;
    private final int maxWaiting;
    private final AtomicInteger waiting = new AtomicInteger(); // threads in accept, or on their way

    /** Threads named {@code prefix}N, daemons. */
    public ServingThreads(String prefix, int maxWaiting, Acceptor<C> acceptor, Service<C> service) {
        if (maxWaiting < 1) throw new IllegalArgumentException("maxWaiting " + maxWaiting);
        this.threads = new ReusedThreads(prefix, true);
        this.acceptor = acceptor;
        this.service = service;
        this.maxWaiting = maxWaiting;
    }

    /** Starts the first acceptor. False if no thread could be had. */
    public boolean start() {
        return addAcceptor();
    }

    private boolean addAcceptor() {
        waiting.incrementAndGet();
        try {
            threads.start(new Runnable() {
                @Override
                public void run() {
                    acceptAndServe();
                }
            });
            return true;
        } catch (OutOfMemoryError | RejectedExecutionException e) {
            // No thread to be had: the threads serving now come back to accepting when they are done.
            waiting.decrementAndGet();
            return false;
        }
    }

    private void acceptAndServe() {
        for (;;) {
            C c = acceptor.accept();
            if (c == null) {
                waiting.decrementAndGet();
                return;
            }
            if (waiting.decrementAndGet() == 0) addAcceptor();
            try {
                service.serve(c);
            } catch (RuntimeException | Error e) {
                // A bug in one connection's service must not take an acceptor away from the rest.
                System.err.println("warning: serving a connection failed: " + e);
            }
            if (waiting.incrementAndGet() > maxWaiting) {
                waiting.decrementAndGet();
                return;
            }
        }
    }
}
