package org.jqmail.lspawn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jqmail.spawn.IdentityPrefix;
import org.jqmail.spawn.Spawner;

/**
 * The warm qmail-local workers, at most one per (uid, gid) and at most {@code max} in all
 * (control/localworkers, docs/qmail-lspawn.md). A worker is started on first need, through the same
 * identity prefix as a classic qmail-local (so it runs as the recipient, never as root, and only ever
 * gets that recipient's deliveries), reused while it lives, and stopped after it has been idle for
 * {@code idleMillis}. At the cap, an idle worker of another user is stopped to make room; with none
 * idle, {@link #acquire} says no and the delivery runs the classic way, one qmail-local per delivery.
 * <p>
 * Nothing here waits for a worker: starting one is a posix_spawn (its JVM comes up while the request
 * already waits in its socket), and stopping one is a shutdown(2).
 */
final class WorkerPool implements LocalWorker.Owner {
    /** How long a worker may sit without a delivery before it is stopped. */
    static final long IDLE_MILLIS = 30_000;

    private final Spawner spawner;
    private final WorkerSockets sockets;
    private final IdentityPrefix prefix;
    private final byte[] qmailLocal;
    private final List<byte[]> environment;
    private final int max;
    private final long idleMillis;
    private final Map<Long, LocalWorker> workers = new HashMap<>();
    private Thread janitor;

    WorkerPool(Spawner spawner, IdentityPrefix prefix, Path qmailLocal, List<byte[]> environment, int max,
            long idleMillis) {
        if (max < 1) throw new IllegalArgumentException("max " + max);
        this.spawner = spawner;
        this.sockets = new WorkerSockets(spawner.posix());
        this.prefix = prefix;
        this.qmailLocal = qmailLocal.toString().getBytes(StandardCharsets.ISO_8859_1);
        this.environment = environment;
        this.max = max;
        this.idleMillis = idleMillis;
    }

    /**
     * A live worker for uid and gid, counted as in use until {@link #release}; null when the cap is
     * reached with no worker idle, or none could be started (the caller delivers the classic way).
     */
    synchronized LocalWorker acquire(int uid, int gid) {
        long key = key(uid, gid);
        LocalWorker w = workers.get(key);
        if (w != null && !w.usable()) {
            workers.remove(key);
            w = null;
        }
        if (w == null) {
            if (workers.size() >= max && !evictIdle()) return null;
            try {
                w = LocalWorker.start(argv(uid, gid), environment, uid, gid, spawner, sockets, this);
            } catch (IOException e) {
                return null;
            }
            workers.put(key, w);
            startJanitor();
        }
        w.users++;
        return w;
    }

    synchronized void release(LocalWorker w) {
        if (--w.users == 0) w.idleSince = System.nanoTime();
    }

    @Override
    public synchronized void gone(LocalWorker w) {
        workers.remove(key(w.uid, w.gid), w);
    }

    /** The live worker of uid and gid, or null (for tests and the lead's curiosity). */
    synchronized LocalWorker worker(int uid, int gid) {
        return workers.get(key(uid, gid));
    }

    /** The number of workers alive now. */
    synchronized int size() {
        return workers.size();
    }

    /** Stops every worker (at qmail-lspawn's end of input, when nothing is in flight). */
    synchronized void closeAll() {
        for (LocalWorker w : workers.values()) w.close();
        workers.clear();
        if (janitor != null) janitor.interrupt();
    }

    private List<byte[]> argv(int uid, int gid) {
        List<byte[]> argv = new ArrayList<>(prefix.argv(uid, gid));
        argv.add(qmailLocal);
        argv.add("--worker".getBytes(StandardCharsets.US_ASCII));
        return argv;
    }

    /** Stops the worker idle longest; false if every worker has deliveries in flight. */
    private boolean evictIdle() {
        LocalWorker oldest = null;
        for (LocalWorker w : workers.values()) {
            if (w.users == 0 && (oldest == null || w.idleSince - oldest.idleSince < 0)) oldest = w;
        }
        if (oldest == null) return false;
        workers.remove(key(oldest.uid, oldest.gid));
        oldest.close();
        return true;
    }

    private synchronized void closeIdle() {
        long now = System.nanoTime();
        List<LocalWorker> idle = new ArrayList<>();
        for (LocalWorker w : workers.values()) {
            if (w.users == 0 && now - w.idleSince >= idleMillis * 1_000_000) idle.add(w);
        }
        for (LocalWorker w : idle) {
            workers.remove(key(w.uid, w.gid));
            w.close();
        }
    }

    private void startJanitor() {
        if (janitor != null) return;
        long tick = Math.max(10, Math.min(1000, idleMillis / 4));
        janitor = Thread.ofPlatform().daemon().name("worker-janitor").start(() -> {
            try {
                for (;;) {
                    Thread.sleep(tick);
                    closeIdle();
                }
            } catch (InterruptedException e) {
                // closeAll: qmail-lspawn is ending
            }
        });
    }

    private static long key(int uid, int gid) {
        return ((long) uid << 32) | (gid & 0xffffffffL);
    }
}
