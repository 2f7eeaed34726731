package org.jqmail.lspawn;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jqmail.spawn.Spawner;

/**
 * The spawn loop of qmail's spawn.c, for local deliveries: say the number of slots (one byte), then read
 * requests from qmail-send, check each as spawn.c's docmd does (slot free, message id numeric, recipient
 * with '@', message a regular file owned by qmailq), run each accepted delivery in its own thread, and
 * write each report (slot, K/Z/D, text, NUL) when its delivery ends, in whatever order they end. At end
 * of input it waits for the deliveries still running, then returns.
 * <p>
 * A slot is freed just before its report is written: qmail-send reuses a slot only after reading its
 * report, so a request naming a slot in use is qmail-send's bug, reported as spawn.c does.
 */
final class Lspawn {
    /** qmail's conf-spawn default: at most this many deliveries at once (and at most 255: one byte). */
    static final int SLOTS = 120;
    static final int MAX_MESSID = 100;

    private final Spawner spawner;
    private final Path messDir;
    private final int queueOwner;
    private final LocalDelivery delivery;
    private final OutputStream reports;
    private final boolean[] used = new boolean[SLOTS];
    private final List<Thread> running = new ArrayList<>();

    Lspawn(Spawner spawner, Path messDir, int queueOwner, LocalDelivery delivery, OutputStream reports) {
        this.spawner = spawner;
        this.messDir = messDir;
        this.queueOwner = queueOwner;
        this.delivery = delivery;
        this.reports = reports;
    }

    void run(InputStream requests) throws IOException, InterruptedException {
        synchronized (reports) {
            reports.write(SLOTS);
            reports.flush();
        }
        RequestReader reader = new RequestReader(this::start);
        byte[] buf = new byte[1024];
        for (int n; (n = requests.read(buf)) > 0; ) reader.feed(buf, n);
        // End of input: qmail-send is gone or done. Finish what runs; a half request is dropped (spawn.c).
        List<Thread> left;
        synchronized (running) {
            left = new ArrayList<>(running);
        }
        for (Thread t : left) t.join();
    }

    private void start(Request r) {
        int slot = r.slot();
        if (r.overlong()) {
            report(slot, Outcome.temporary("qmail-spawn out of memory. (#4.3.0)\n"));
            return;
        }
        if (slot >= SLOTS) {
            report(slot, Outcome.temporary("Internal error: delnum too big. (#4.3.5)\n"));
            return;
        }
        synchronized (used) {
            if (used[slot]) {
                report(slot, Outcome.temporary("Internal error: delnum in use. (#4.3.5)\n"));
                return;
            }
        }
        Outcome refused = checkMessid(r.messid());
        if (refused == null && LocalDelivery.lastAt(r.recipient()) < 0) {
            refused = Outcome.permanent("Sorry, address must include host name. (#5.1.3)\n");
        }
        if (refused != null) {
            report(slot, refused);
            return;
        }
        int fd;
        try {
            fd = spawner.openRead(messDir.resolve(new String(r.messid(), java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            report(slot, Outcome.temporary("qmail-spawn unable to open message. (#4.3.0)\n"));
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
        Thread t = Thread.ofPlatform().name("delivery-" + slot).unstarted(() -> {
            Outcome o;
            try {
                o = delivery.deliver(fd, r.sender(), r.recipient());
            } catch (RuntimeException e) {
                o = LocalReport.internal(LocalReport.QLX_SYS);
            } finally {
                spawner.close(fd);
            }
            synchronized (used) {
                used[slot] = false;
            }
            report(slot, o);
            synchronized (running) {
                running.remove(Thread.currentThread());
            }
        });
        synchronized (running) {
            running.add(t);
        }
        t.start();
    }

    /** spawn.c: digits and '/' (the first a digit), 1 to 99 bytes (100 with its NUL). */
    static Outcome checkMessid(byte[] messid) {
        for (int i = 0; i < messid.length; i++) {
            byte c = messid[i];
            if ((i == 0 || c != '/') && (c < '0' || c > '9')) {
                return Outcome.permanent("Internal error: messid has nonnumerics. (#5.3.5)\n");
            }
        }
        if (messid.length + 1 > MAX_MESSID) return Outcome.permanent("Internal error: messid too long. (#5.3.5)\n");
        if (messid.length == 0) return Outcome.permanent("Internal error: messid too short. (#5.3.5)\n");
        return null;
    }

    /** spawn.c: the message must be a regular file owned by qmailq ("your security is already toast"). */
    private Outcome checkMessage(int fd) {
        Spawner.Stat st;
        try {
            st = spawner.fstat(fd);
        } catch (IOException e) {
            return Outcome.temporary("qmail-spawn unable to fstat message. (#4.3.0)\n");
        }
        if (!st.regular()) return Outcome.temporary("Sorry, message has wrong type. (#4.3.5)\n");
        if (st.uid() != queueOwner) return Outcome.temporary("Sorry, message has wrong owner. (#4.3.5)\n");
        return null;
    }

    /** One report, whole, in one write; a qmail-send that went away is not our problem (spawn.c okwrite). */
    private void report(int slot, Outcome o) {
        synchronized (reports) {
            try {
                reports.write(o.report(slot));
                reports.flush();
            } catch (IOException e) {
                // qmail-send is gone; the deliveries still finish, and their results are in the mailboxes
            }
        }
    }
}
