package org.jqmail.remote;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jqmail.common.TimeoutTimer;

/**
 * SMTP sessions kept open after a delivery, for the next delivery to the same server: Postfix's
 * connection cache (smtp_connection_cache_on_demand), for qmail-rspawn, whose deliveries run in one
 * JVM. qmail-remote as a program makes one delivery and keeps nothing. A session is kept only after
 * its message was accepted (250 to the final dot) with nothing more sent by the server, for
 * control/timeoutreuse seconds of idleness (Postfix's smtp_connection_cache_time_limit, 2 s), and is
 * not kept once it is {@link #REUSE_LIMIT_MILLIS} old; an expired one gets QUIT and is closed.
 * Keys are everything a session was set up with (address, port, local address, HELO name, the TLS
 * rule and the name its certificate was checked against, the AUTH credentials), so a kept session
 * is one that a new connection would have set up the same way.
 * <p>
 * Measured on the relay benchmark: Postfix made 141 connections to the smtp-sink for 1,000 messages,
 * jqmail 1,000 (docs/DECISIONS.md).
 */
final class IdleSessions {
    /** A session is not kept past this age (Postfix's smtp_connection_reuse_time_limit). */
    static final long REUSE_LIMIT_MILLIS = 300_000;
    /** At most this many idle sessions in all; more are ended at once. */
    static final int MAX_IDLE = 100;

    /** What a session was set up with: a kept one serves only a delivery that would set it up the same. */
    record Key(InetAddress address, int port, InetAddress bind, String helohost, TlsDestinations.Rule tls,
            String tlsName, Credentials auth) {}

    private record Idle(Smtp session, TimeoutTimer.Timeout expiry) {}

    private final Map<Key, ArrayDeque<Idle>> idle = new HashMap<>(); // guarded by this
    private int count; // guarded by this
    private final TimeoutTimer timer = TimeoutTimer.start("qmail-remote idle sessions");

    /** The most recently kept quiet session for {@code key}, or null; its caller owns it from now on. */
    Smtp take(Key key) {
        for (;;) {
            Smtp s;
            synchronized (this) {
                ArrayDeque<Idle> q = idle.get(key);
                if (q == null) return null;
                Idle i = q.pollLast();
                if (q.isEmpty()) idle.remove(key);
                count--;
                i.expiry().cancel();
                s = i.session();
            }
            if (s.quiet()) return s;
            end(s); // the server closed it, or is about to: try the next
        }
    }

    /**
     * Keeps {@code session} for {@code idleMillis} if its last transaction left it {@link Smtp#reusable};
     * ends it (QUIT, close) instead if not, or if that time is 0, it is too old, or too many are kept.
     */
    void keep(Key key, Smtp session, long idleMillis) {
        if (idleMillis <= 0 || session.ageMillis() + idleMillis > REUSE_LIMIT_MILLIS || !session.reusable()) {
            end(session);
            return;
        }
        synchronized (this) {
            if (count < MAX_IDLE) {
                Idle[] self = new Idle[1];
                TimeoutTimer.Timeout expiry = timer.arm(idleMillis, TimeUnit.MILLISECONDS, new Runnable() {
                    @Override
                    public void run() {
                        expire(key, self);
                    }
                });
                self[0] = new Idle(session, expiry);
                idle.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(self[0]);
                count++;
                return;
            }
        }
        end(session);
    }

    /** Sessions kept now. */
    synchronized int size() {
        return count;
    }

    /** @param ref the expired one, set by {@link #keep} under the lock that this waits for */
    private void expire(Key key, Idle[] ref) {
        Idle i;
        synchronized (this) {
            i = ref[0];
            ArrayDeque<Idle> q = idle.get(key);
            if (q == null || !q.remove(i)) return; // taken meanwhile
            if (q.isEmpty()) idle.remove(key);
            count--;
        }
        end(i.session());
    }

    private static void end(Smtp s) {
        s.quit();
        s.close();
    }
}
