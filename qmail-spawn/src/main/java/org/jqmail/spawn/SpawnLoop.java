package org.jqmail.spawn;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.RejectedExecutionException;
import org.jqmail.common.ReusedThreads;

/**
 * qmail's spawn.c, the half that qmail-lspawn and qmail-rspawn share: say the number of slots (one
 * byte), then read requests from qmail-send, check each as spawn.c's docmd does (slot free, message id
 * numeric, recipient with '@', message a regular file owned by qmailq), hand each accepted delivery to
 * the {@link Worker} in a thread of its own (a reused one, {@link ReusedThreads}) with the message open, and write each report (slot, K/Z/D,
 * text, NUL) when its delivery ends, in whatever order they end. At end of input it waits for the
 * deliveries still running, then returns; a request cut off by the end of input is dropped.
 * <p>
 * A slot is freed just before its report is written: qmail-send reuses a slot only after reading its
 * report, so a request naming a slot in use is qmail-send's bug, reported as spawn.c does. Reports are
 * written whole, one at a time; once qmail-send has gone, they are dropped (spawn.c okwrite) while the
 * deliveries still finish.
 */
public final class SpawnLoop {
    /** qmail's conf-spawn default: at most this many deliveries at once (and at most 255: one byte). */
    public static final int SLOTS = 120;
    /** spawn.c: a message id is shorter than this, counting its NUL. */
    static final int MAX_MESSID = 100;

    /** What one spawner does with an accepted request: qmail-local or qmail-remote, and their report. */
    public interface Worker {
        /**
         * Delivers {@code request}'s message, open read-only on {@code messageFd} (closed by the loop
         * afterwards), to its recipient, whose last '@' is at {@code at}. Runs in the delivery's thread.
         */
        Report deliver(SpawnRequest request, int messageFd, int at);
    }

    private final Spawner spawner;
    private final Path messDir;
    private final int queueOwner;
    private final Worker worker;
    private final OutputStream reports;
    private final boolean[] used = new boolean[SLOTS];
    private final ReusedThreads deliveries = new ReusedThreads("delivery-", false);
    private boolean writing = true;

    /**
     * @param messDir    ROOT/queue/mess, against which message ids are resolved
     * @param queueOwner qmailq's uid: the owner every message must have
     */
    public SpawnLoop(Spawner spawner, Path messDir, int queueOwner, Worker worker, OutputStream reports) {
        this.spawner = spawner;
        this.messDir = messDir;
        this.queueOwner = queueOwner;
        this.worker = worker;
        this.reports = reports;
    }

    /** The hello byte, then requests until end of input, then the wait for every running delivery. */
    public void run(InputStream requests) throws InterruptedException {
        synchronized (reports) {
            try {
                reports.write(SLOTS);
                reports.flush();
            } catch (IOException e) {
                writing = false;
            }
        }
        SpawnRequestReader reader = new SpawnRequestReader(this::start);
        byte[] buf = new byte[1024];
        try {
            for (int n; (n = requests.read(buf)) > 0; ) reader.feed(buf, n);
        } catch (IOException e) {
            // as end of input: stop taking requests, finish the running ones
        }
        deliveries.finish();
    }

    private void start(SpawnRequest r) {
        int slot = r.slot();
        Report refused = check(r);
        if (refused != null) {
            report(slot, refused);
            return;
        }
        int fd;
        try {
            fd = spawner.openRead(messDir.resolve(new String(r.messid(), StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            report(slot, Report.temporary("qmail-spawn unable to open message. (#4.3.0)\n"));
            return;
        }
        refused = checkMessage(fd);
        if (refused != null) {
            spawner.close(fd);
            report(slot, refused);
            return;
        }
        synchronized (used) {
            used[slot] = true;
        }
        int at = lastAt(r.recipient());
        try {
            deliveries.start(() -> deliver(r, fd, at));
        } catch (OutOfMemoryError | RejectedExecutionException e) { // no thread to be had
            spawner.close(fd);
            synchronized (used) {
                used[slot] = false;
            }
            report(slot, Report.temporary("qmail-spawn unable to start a delivery thread. (#4.3.0)\n"));
        }
    }

    /** One delivery, in its own thread; its slot is free again just before its report goes out. */
    private void deliver(SpawnRequest r, int fd, int at) {
        int slot = r.slot();
        Report o;
        try {
            o = worker.deliver(r, fd, at);
        } catch (RuntimeException e) {
            o = Report.temporary("qmail-spawn: delivery trouble: " + e + " (#4.3.0)\n");
        } finally {
            spawner.close(fd);
        }
        synchronized (used) {
            used[slot] = false;
        }
        report(slot, o);
    }

    /** spawn.c docmd's checks of the request itself, in its order; null if it may go ahead. */
    private Report check(SpawnRequest r) {
        if (r.overlong()) return Report.temporary("qmail-spawn out of memory. (#4.3.0)\n");
        if (r.slot() >= SLOTS) return Report.temporary("Internal error: delnum too big. (#4.3.5)\n");
        synchronized (used) {
            if (used[r.slot()]) return Report.temporary("Internal error: delnum in use. (#4.3.5)\n");
        }
        Report bad = checkMessid(r.messid());
        if (bad != null) return bad;
        if (lastAt(r.recipient()) < 0) return Report.permanent("Sorry, address must include host name. (#5.1.3)\n");
        return null;
    }

    /** spawn.c: digits and '/' (the first a digit), 1 to 99 bytes (100 with its NUL). */
    static Report checkMessid(byte[] messid) {
        for (int i = 0; i < messid.length; i++) {
            byte c = messid[i];
            if ((i == 0 || c != '/') && (c < '0' || c > '9')) {
                return Report.permanent("Internal error: messid has nonnumerics. (#5.3.5)\n");
            }
        }
        if (messid.length + 1 > MAX_MESSID) return Report.permanent("Internal error: messid too long. (#5.3.5)\n");
        if (messid.length == 0) return Report.permanent("Internal error: messid too short. (#5.3.5)\n");
        return null;
    }

    /** spawn.c: the message must be a regular file owned by qmailq ("your security is already toast"). */
    private Report checkMessage(int fd) {
        Spawner.Stat st;
        try {
            st = spawner.fstat(fd);
        } catch (IOException e) {
            return Report.temporary("qmail-spawn unable to fstat message. (#4.3.0)\n");
        }
        if (!st.regular()) return Report.temporary("Sorry, message has wrong type. (#4.3.5)\n");
        if (st.uid() != queueOwner) return Report.temporary("Sorry, message has wrong owner. (#4.3.5)\n");
        return null;
    }

    private void report(int slot, Report o) {
        synchronized (reports) {
            if (!writing) return;
            try {
                reports.write(o.wire(slot));
                reports.flush();
            } catch (IOException e) {
                writing = false;
            }
        }
    }

    /** Where the domain starts, minus one: the last '@' of an address; -1 if there is none. */
    public static int lastAt(byte[] address) {
        for (int i = address.length - 1; i >= 0; i--) {
            if (address[i] == '@') return i;
        }
        return -1;
    }
}
