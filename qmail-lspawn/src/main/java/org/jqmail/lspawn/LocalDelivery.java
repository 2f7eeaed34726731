package org.jqmail.lspawn;

import org.jqmail.spawn.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jqmail.spawn.ExitStatus;
import org.jqmail.spawn.IdentityPrefix;
import org.jqmail.spawn.SpawnLoop;
import org.jqmail.spawn.SpawnRequest;
import org.jqmail.spawn.Spawner;

/**
 * One local delivery, as qmail-lspawn.c's spawn() child does it: the recipient is cut at its last '@';
 * an empty local part is the trash address (delivered, nothing done); otherwise the user comes from
 * users/cdb or qmail-getpw, a uid of 0 is refused (QLX_ROOT), and qmail-local runs under the user's uid
 * and gid as {@code qmail-local -- user home local dash ext domain sender defaultdelivery} with fd 0 the
 * message and fds 1 and 2 one pipe, whose contents (capped at 3000 bytes) and the exit status become
 * the report. The message descriptor is the caller's; it is not closed here.
 * <p>
 * With a {@link WorkerPool}, the same eight arguments and the same descriptor go to the user's warm
 * qmail-local worker instead, whose reply becomes the same report; the classic spawn stays the way
 * whenever a worker cannot take the delivery (the cap reached with none idle, a request too big, a
 * message that others may not read, which a worker could not reopen).
 */
final class LocalDelivery implements SpawnLoop.Worker {
    private final Spawner spawner;
    private final Path qmailLocal;
    private final IdentityPrefix prefix;
    private final UsersCdb users;
    private final Getpw getpw;
    private final byte[] defaultDelivery;
    private final List<byte[]> environment;
    private final WorkerPool workers;

    LocalDelivery(Spawner spawner, Path qmailLocal, IdentityPrefix prefix, UsersCdb users, Getpw getpw,
            byte[] defaultDelivery, List<byte[]> environment) {
        this(spawner, qmailLocal, prefix, users, getpw, defaultDelivery, environment, null);
    }

    /** @param workers the warm workers, or null for qmail's one qmail-local per delivery */
    LocalDelivery(Spawner spawner, Path qmailLocal, IdentityPrefix prefix, UsersCdb users, Getpw getpw,
            byte[] defaultDelivery, List<byte[]> environment, WorkerPool workers) {
        this.workers = workers;
        this.spawner = spawner;
        this.qmailLocal = qmailLocal;
        this.prefix = prefix;
        this.users = users;
        this.getpw = getpw;
        this.defaultDelivery = defaultDelivery;
        this.environment = environment;
    }

    @Override
    public Report deliver(SpawnRequest request, int messageFd, int at) {
        byte[] recipient = request.recipient();
        byte[] sender = request.sender();
        byte[] local = java.util.Arrays.copyOf(recipient, at);
        byte[] domain = java.util.Arrays.copyOfRange(recipient, at + 1, recipient.length);
        if (local.length == 0) return Report.success(new byte[0]); // "<>": qmail's trash address
        Assignment a;
        try {
            a = users.find(local);
            if (a == null) a = getpw.find(local);
        } catch (LookupFailure f) {
            return f.report();
        }
        if (a.uid() == 0) return LocalReport.internal(LocalReport.QLX_ROOT);
        List<byte[]> args = List.of(a.user(), a.home(), local, a.dash(), a.ext(), domain, sender, defaultDelivery);
        if (workers != null && othersMayRead(messageFd)) {
            LocalWorker w = workers.acquire(a.uid(), a.gid());
            if (w != null) {
                try {
                    Report r = w.deliver(args, messageFd);
                    if (r != null) return r;
                } finally {
                    workers.release(w);
                }
            }
        }
        List<byte[]> argv = new ArrayList<>(prefix.argv(a.uid(), a.gid()));
        argv.add(qmailLocal.toString().getBytes(StandardCharsets.ISO_8859_1));
        argv.add(new byte[] {'-', '-'});
        argv.addAll(args);
        try {
            return run(argv, messageFd);
        } catch (IOException e) {
            return LocalReport.internal(LocalReport.QLX_SYS);
        }
    }

    /**
     * A worker reads the message by reopening the descriptor it was given (/proc/self/fd/N), which
     * Linux allows by the file's own mode: queue files are 0644, as in qmail; any other goes the
     * classic way, where the descriptor itself is fd 0.
     */
    private boolean othersMayRead(int messageFd) {
        jnr.posix.FileStat st = spawner.posix().allocateStat();
        return spawner.posix().fstat(messageFd, st) == 0 && (st.mode() & 0004) != 0;
    }

    private Report run(List<byte[]> argv, int messageFd) throws IOException {
        int[] pipe = spawner.pipe();
        long pid;
        try {
            pid = spawner.spawn(argv, environment, messageFd, pipe[1], pipe[1]);
        } catch (IOException e) {
            spawner.close(pipe[0]);
            return LocalReport.internal(LocalReport.QLX_EXECSOFT);
        } finally {
            spawner.close(pipe[1]);
        }
        CappedOutput out = new CappedOutput(CappedOutput.QMAIL_LSPAWN_LIMIT);
        boolean readAll = true;
        try {
            spawner.drain(pipe[0], out);
        } catch (IOException e) {
            readAll = false;
        }
        ExitStatus status = spawner.waitFor(pid); // reaped whatever happened to its output
        if (!readAll) return LocalReport.internal(LocalReport.QLX_SYS);
        return LocalReport.of(status, out.bytes());
    }
}
