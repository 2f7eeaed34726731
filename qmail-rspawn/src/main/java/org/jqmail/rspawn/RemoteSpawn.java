package org.jqmail.rspawn;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jqmail.spawn.ExitStatus;
import org.jqmail.spawn.Spawner;

/**
 * The spawner half of qmail-rspawn (spawn.c docmd and its select loop): checks each request, opens the
 * message, starts qmail-remote with fd 0 = the message and fd 1 = fd 2 = a pipe, and, in a thread of its
 * own per delivery, reads that pipe to its end, waits for the child and writes the report. Reports go
 * out whole, one at a time, in the order deliveries finish.
 */
final class RemoteSpawn {
    /** conf-spawn: how many deliveries at once; the hello byte tells qmail-send. */
    static final int SLOTS = 120;

    private final Spawner spawner;
    private final Path mess;
    private final int uidQmailq;
    private final byte[] program;
    private final List<byte[]> env;
    private final OutputStream out;
    private final boolean[] used = new boolean[SLOTS];
    private int running;
    private boolean writing = true;

    /**
     * @param mess    ROOT/queue/mess, against which message ids are resolved
     * @param program qmail-remote's path (ROOT/bin/qmail-remote, or $QMAILREMOTE as notqmail allows)
     */
    RemoteSpawn(Spawner spawner, Path mess, int uidQmailq, byte[] program, List<byte[]> env, OutputStream out) {
        this.spawner = spawner;
        this.mess = mess;
        this.uidQmailq = uidQmailq;
        this.program = program;
        this.env = env;
        this.out = out;
    }

    void hello() throws IOException {
        out.write(SLOTS);
        out.flush();
    }

    /** spawn.c docmd: one request; a refused request is reported at once. */
    void start(Request r) {
        int slot = r.slot();
        if (r.overlong()) { report(slot, Report.of("Zqmail-spawn out of memory. (#4.3.0)\n")); return; }
        if (slot >= SLOTS) { report(slot, Report.of("ZInternal error: delnum too big. (#4.3.5)\n")); return; }
        synchronized (this) {
            if (used[slot]) { report(slot, Report.of("ZInternal error: delnum in use. (#4.3.5)\n")); return; }
        }
        byte[] id = r.messid();
        for (int i = 0; i < id.length; i++) {
            if ((i == 0 || id[i] != '/') && (id[i] < '0' || id[i] > '9')) {
                report(slot, Report.of("DInternal error: messid has nonnumerics. (#5.3.5)\n"));
                return;
            }
        }
        if (id.length > 100) { report(slot, Report.of("DInternal error: messid too long. (#5.3.5)\n")); return; }
        if (id.length == 0) { report(slot, Report.of("DInternal error: messid too short. (#5.3.5)\n")); return; }
        byte[] rcpt = r.recipient();
        int at = -1;
        for (int i = 0; i < rcpt.length; i++) if (rcpt[i] == '@') at = i;
        if (at < 0) { report(slot, Report.of("DSorry, address must include host name. (#5.1.3)\n")); return; }

        int fd;
        try {
            fd = spawner.openRead(mess.resolve(new String(id, StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            report(slot, Report.of("Zqmail-spawn unable to open message. (#4.3.0)\n"));
            return;
        }
        int[] pipe;
        long pid;
        try {
            Spawner.Stat st;
            try {
                st = spawner.fstat(fd);
            } catch (IOException e) {
                report(slot, Report.of("Zqmail-spawn unable to fstat message. (#4.3.0)\n"));
                return;
            }
            if (!st.regular()) { report(slot, Report.of("ZSorry, message has wrong type. (#4.3.5)\n")); return; }
            // spawn.c: "aaack! qmailq has to be trusted!" A message not written by qmail-queue is not sent.
            if (st.uid() != uidQmailq) { report(slot, Report.of("ZSorry, message has wrong owner. (#4.3.5)\n")); return; }
            try {
                pipe = spawner.pipe();
            } catch (IOException e) {
                report(slot, Report.of("Zqmail-spawn unable to create pipe. (#4.3.0)\n"));
                return;
            }
            List<byte[]> argv = new ArrayList<>(4);
            argv.add(program);
            argv.add(java.util.Arrays.copyOfRange(rcpt, at + 1, rcpt.length));
            argv.add(r.sender());
            argv.add(rcpt);
            try {
                pid = spawner.spawn(argv, env, fd, pipe[1], pipe[1]);
            } catch (IOException | RuntimeException e) {
                spawner.close(pipe[0]);
                spawner.close(pipe[1]);
                // qmail-rspawn's child exits 111 when exec fails temporarily; a missing or broken
                // qmail-remote is an installation problem, never a reason to bounce (notqmail GH#244).
                report(slot, Report.of("ZUnable to run qmail-remote.\n"));
                return;
            }
            spawner.close(pipe[1]);
        } finally {
            spawner.close(fd);
        }
        synchronized (this) {
            used[slot] = true;
            running++;
        }
        int readEnd = pipe[0];
        Thread t = new Thread(() -> finish(slot, readEnd, pid), "delivery-" + slot);
        t.start();
    }

    private void finish(int slot, int readEnd, long pid) {
        BoundedOutput output = new BoundedOutput();
        Report report;
        try {
            spawner.drain(readEnd, output);
            ExitStatus status = spawner.waitFor(pid);
            report = RemoteReport.of(status, output.bytes());
        } catch (IOException | RuntimeException e) {
            report = Report.of("Zqmail-rspawn lost track of qmail-remote. (#4.3.0)\n");
        }
        synchronized (this) {
            used[slot] = false;
            running--;
            report(slot, report);
            notifyAll();
        }
    }

    /** Writes one whole report; if qmail-send has gone, reports are dropped (spawn.c okwrite). */
    synchronized void report(int slot, Report r) {
        if (!writing) return;
        try {
            out.write(r.wire(slot));
            out.flush();
        } catch (IOException e) {
            writing = false;
        }
    }

    /** After qmail-send closed its end: wait for every running delivery (spawn.c exits when none is). */
    synchronized void awaitAll() throws InterruptedException {
        while (running > 0) wait();
    }
}
