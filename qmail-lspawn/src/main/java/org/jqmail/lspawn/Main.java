package org.jqmail.lspawn;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.jqmail.common.ControlFile;
import org.jqmail.common.QmailRoot;
import org.jqmail.common.SystemUsers;
import org.jqmail.spawn.IdentityPrefix;
import org.jqmail.spawn.SpawnLoop;
import org.jqmail.spawn.Spawner;

/**
 * qmail-lspawn: run qmail-local for qmail-send's local deliveries (docs/qmail-lspawn.md).
 * <pre>
 *   qmail-lspawn defaultdelivery
 * </pre>
 * fd 0: requests from qmail-send; fd 1: the slot count, then reports (spawn protocol, SPEC.md). Runs as
 * root, started by qmail-start; every delivery runs as its recipient, never as root. Exit 0 at end of
 * input once every delivery has finished; 100 without the default delivery argument (as qmail's);
 * 111 if it cannot start (native calls, the qmail users). control/localworkers (default 16, 0 = none):
 * how many warm qmail-local workers, one per recipient uid, may take deliveries ({@link WorkerPool}).
 */
public final class Main {
    /** control/localworkers when the file is missing. */
    static final int DEFAULT_WORKERS = 16;

    private Main() {}

    public static void main(String[] argv) {
        if (argv.length < 1) {
            System.err.println("qmail-lspawn: usage: qmail-lspawn defaultdelivery");
            System.exit(100);
        }
        Path root = QmailRoot.get();
        try {
            Spawner spawner = Spawner.create();
            SystemUsers passwd = SystemUsers.system();
            int qmailq = passwd.uid("qmailq");
            SystemUsers.Account qmailp = passwd.byName("qmailp");
            if (qmailp == null) throw new IOException("no such account: qmailp");
            IdentityPrefix prefix = IdentityPrefix.setpriv(Path.of("/usr/bin/setpriv"));
            List<byte[]> env = Spawner.inheritedEnvironment();
            int devNull = spawner.openRead(Path.of("/dev/null"));
            // qmail-getpw runs as qmailp with group nofiles, qmailp's primary group (INSTALL.ids).
            Getpw getpw = new Getpw(spawner, root.resolve("bin/qmail-getpw"), prefix, qmailp.uid(), qmailp.gid(),
                env, devNull);
            Path qmailLocal = root.resolve("bin/qmail-local");
            int max = localWorkers(root);
            WorkerPool workers = max == 0 ? null
                : new WorkerPool(spawner, prefix, qmailLocal, env, max, WorkerPool.IDLE_MILLIS);
            LocalDelivery delivery = new LocalDelivery(spawner, qmailLocal, prefix,
                new UsersCdb(root.resolve("users/cdb")), getpw, argv[0].getBytes(StandardCharsets.ISO_8859_1), env,
                workers);
            new SpawnLoop(spawner, root.resolve("queue/mess"), qmailq, delivery, new FileOutputStream(FileDescriptor.out))
                .run(new FileInputStream(FileDescriptor.in));
            if (workers != null) workers.closeAll();
        } catch (IOException | RuntimeException | LinkageError e) {
            System.err.println("qmail-lspawn: cannot start: " + e.getMessage());
            System.exit(111);
        } catch (InterruptedException e) {
            System.exit(111);
        }
        System.exit(0);
    }

    /**
     * control/localworkers: how many warm qmail-local workers may live at once (one per recipient
     * uid/gid); 0 means qmail's one qmail-local per delivery. Read at start. A value that is not a
     * number is reported and taken as 0, the way that always works.
     */
    static int localWorkers(Path root) {
        try {
            long n = new ControlFile(root.resolve("control")).number("localworkers", DEFAULT_WORKERS);
            return (int) Math.min(n, SpawnLoop.SLOTS);
        } catch (IOException e) {
            System.err.println("qmail-lspawn: warning: " + e.getMessage() + "; no qmail-local workers");
            return 0;
        }
    }
}
