package org.jqmail.lspawn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jqmail.common.Ascii;
import org.jqmail.spawn.ExitStatus;
import org.jqmail.spawn.Report;
import org.jqmail.spawn.Spawner;

/**
 * One qmail-local worker process (qmail-local --worker, running as one recipient uid and gid) and the
 * deliveries in flight on it. {@link #deliver} sends a request and waits, in the delivery's own thread,
 * for its reply; a reader thread matches replies to requests by id; a drain thread reads the worker's
 * fds 1 and 2 (the JVM's own complaints, if any) so that it never blocks on them.
 * <p>
 * Whatever goes wrong with the worker (end of file, a read error, a malformed reply, a reply to a
 * request that is not in flight) ends it the same way: no further request is sent, the process is
 * killed (SIGKILL) and reaped, and every delivery still in flight reports {@code Zqmail-local crashed.},
 * the report of a qmail-local killed by a signal: qmail-send tries again later (at least once, as in
 * qmail). The next delivery for that user starts a fresh worker.
 */
final class LocalWorker {
    /** How a worker's end is told to the pool. */
    interface Owner {
        void gone(LocalWorker w);
    }

    private static final int SIGKILL = 9;
    private static final int OUTPUT_KEPT = 512;
    private static final Report CRASHED = LocalReport.of(ExitStatus.killed(SIGKILL), new byte[0]);

    final int uid;
    final int gid;
    private final long pid;
    private final int socket;
    private final Spawner spawner;
    private final WorkerSockets sockets;
    private final Owner owner;
    private final Map<Long, CompletableFuture<Report>> inFlight = new HashMap<>();
    private long nextId;
    private volatile boolean ended;
    private volatile boolean closing;
    // The pool's bookkeeping, guarded by the pool's lock.
    int users;
    long idleSince;

    private LocalWorker(int uid, int gid, long pid, int socket, Spawner spawner, WorkerSockets sockets, Owner owner) {
        this.uid = uid;
        this.gid = gid;
        this.pid = pid;
        this.socket = socket;
        this.spawner = spawner;
        this.sockets = sockets;
        this.owner = owner;
    }

    /**
     * Starts {@code argv} (the identity prefix, qmail-local, --worker) with fd 0 a socket to us, fds 1
     * and 2 a pipe we drain, and the threads that serve it.
     */
    static LocalWorker start(List<byte[]> argv, List<byte[]> env, int uid, int gid, Spawner spawner,
            WorkerSockets sockets, Owner owner) throws IOException {
        int[] pair = sockets.pair();
        int[] out;
        try {
            out = spawner.pipe();
        } catch (IOException e) {
            spawner.close(pair[0]);
            spawner.close(pair[1]);
            throw e;
        }
        long pid;
        try {
            pid = spawner.spawn(argv, env, pair[1], out[1], out[1]);
        } catch (IOException e) {
            spawner.close(pair[0]);
            spawner.close(out[0]);
            throw e;
        } finally {
            spawner.close(pair[1]);
            spawner.close(out[1]);
        }
        LocalWorker w = new LocalWorker(uid, gid, pid, pair[0], spawner, sockets, owner);
        Thread.ofPlatform().daemon().name("worker-" + pid + "-replies").start(w::readReplies);
        Thread.ofPlatform().daemon().name("worker-" + pid + "-output").start(() -> w.drainOutput(out[0]));
        return w;
    }

    long pid() {
        return pid;
    }

    /** False once the worker is ending: it takes no more requests. */
    boolean usable() {
        return !ended && !closing;
    }

    /**
     * Delivers through the worker: {@code arguments} are qmail-local's eight, {@code messageFd} the
     * message. Null if the request was never handed over (too big, the worker already ending, the send
     * failed): nothing happened, and the caller delivers the classic way.
     */
    Report deliver(List<byte[]> arguments, int messageFd) {
        long id;
        byte[] record;
        CompletableFuture<Report> reply = new CompletableFuture<>();
        synchronized (inFlight) {
            if (ended || closing) return null;
            id = nextId++ & 0xffffffffL;
            record = WorkerFrames.request(id, arguments);
            if (record == null) return null;
            inFlight.put(id, reply);
        }
        try {
            sockets.send(socket, record, messageFd);
        } catch (IOException e) {
            synchronized (inFlight) {
                inFlight.remove(id);
            }
            return null; // not sent: whatever the worker does next, it never saw this delivery
        }
        return reply.join();
    }

    /**
     * Stops an idle worker: shutdown(2) makes both our reader and the worker see end of file, and the
     * reader then kills and reaps it as for any end (nothing is in flight, so nothing is lost).
     */
    void close() {
        closing = true;
        sockets.shutdown(socket);
    }

    private void readReplies() {
        String why = "trouble in qmail-lspawn";
        try {
            why = replies();
        } finally {
            end(why);
        }
    }

    /** Hands each reply to its delivery; returns why the worker must end. */
    private String replies() {
        byte[] buf = new byte[WorkerFrames.MAX_REPLY + 1];
        for (;;) {
            int n;
            try {
                n = spawner.read(socket, buf);
            } catch (IOException e) {
                return "read error";
            }
            if (n == 0) return "end of file";
            WorkerFrames.Reply r;
            try {
                r = WorkerFrames.reply(buf, n);
            } catch (WorkerFrames.Malformed e) {
                return "malformed reply: " + e.getMessage();
            }
            CompletableFuture<Report> waiting;
            synchronized (inFlight) {
                waiting = inFlight.remove(r.id());
            }
            if (waiting == null) return "reply to request " + r.id() + ", which is not in flight";
            waiting.complete(report(r));
        }
    }

    /** The report qmail-lspawn makes of a command-line qmail-local that exited so and printed that. */
    static Report report(WorkerFrames.Reply r) {
        CappedOutput out = new CappedOutput(CappedOutput.QMAIL_LSPAWN_LIMIT);
        out.append(r.output(), r.output().length);
        return LocalReport.of(ExitStatus.exited(r.exitCode()), out.bytes());
    }

    private void end(String why) {
        List<CompletableFuture<Report>> orphans;
        synchronized (inFlight) {
            ended = true;
            orphans = new ArrayList<>(inFlight.values());
            inFlight.clear();
        }
        owner.gone(this);
        spawner.posix().kill((int) pid, SIGKILL); // not yet reaped, so the pid is still this worker's
        ExitStatus status = null;
        try {
            status = spawner.waitFor(pid);
        } catch (IOException e) {
            // nothing more to do; the reports below do not depend on it
        }
        for (CompletableFuture<Report> f : orphans) f.complete(CRASHED);
        spawner.close(socket);
        if (!closing || !orphans.isEmpty()) {
            System.err.println("qmail-lspawn: qmail-local worker " + pid + " (uid " + uid + ") ended: " + why
                + (status == null ? "" : ", " + status) + "; " + orphans.size() + " deliveries in flight");
        }
    }

    private void drainOutput(int fd) {
        byte[] tail = new byte[OUTPUT_KEPT];
        int[] kept = {0};
        try {
            spawner.drain(fd, (buf, n) -> {
                int k = Math.min(n, tail.length - kept[0]);
                System.arraycopy(buf, 0, tail, kept[0], k);
                kept[0] += k;
            });
        } catch (IOException e) {
            // the worker is gone; what it said is below
        }
        if (kept[0] > 0) {
            String said = Ascii.printable(new String(tail, 0, kept[0], StandardCharsets.ISO_8859_1).strip());
            System.err.println("qmail-lspawn: qmail-local worker " + pid + " (uid " + uid + ") said: " + said);
        }
    }
}
