package org.jqmail.lspawn;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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
 * 111 if it cannot start (native calls, the qmail users).
 */
public final class Main {
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
            LocalDelivery delivery = new LocalDelivery(spawner, root.resolve("bin/qmail-local"), prefix,
                new UsersCdb(root.resolve("users/cdb")), getpw, argv[0].getBytes(StandardCharsets.ISO_8859_1), env);
            new SpawnLoop(spawner, root.resolve("queue/mess"), qmailq, delivery, new FileOutputStream(FileDescriptor.out))
                .run(new FileInputStream(FileDescriptor.in));
        } catch (IOException | RuntimeException | LinkageError e) {
            System.err.println("qmail-lspawn: cannot start: " + e.getMessage());
            System.exit(111);
        } catch (InterruptedException e) {
            System.exit(111);
        }
        System.exit(0);
    }
}
