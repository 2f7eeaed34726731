package org.jqmail.rspawn;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.jqmail.common.ControlFile;
import org.jqmail.common.QmailRoot;
import org.jqmail.common.QueueLayout;
import org.jqmail.common.SystemUsers;
import org.jqmail.remote.RemoteRun;
import org.jqmail.spawn.SpawnLoop;
import org.jqmail.spawn.Spawner;
import org.jqmail.tcpto.TcptoTable;

/**
 * qmail-rspawn: run qmail-remote for each remote delivery qmail-send asks for (docs/qmail-rspawn.md).
 * fd 0: requests from qmail-send; fd 1: the hello byte, then reports. It runs as qmailr (qmail-start
 * made it so), as qmail-remote does: no identity change, so by default qmail-remote's client runs in
 * this JVM, one thread per delivery ({@link InProcessDelivery}); $QMAILREMOTE, or a program named in
 * control/qmailremote, is spawned per delivery instead ({@link RemoteDelivery}). At start it clears
 * queue/lock/tcpto (qmail's tcpto_clean) and reads qmailq's uid, the owner every message must have.
 * Exits 0 after qmail-send closes fd 0 and the last delivery has reported; 111 if it cannot start.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Path root = QmailRoot.get();
        QueueLayout queue = new QueueLayout(root.resolve("queue"));
        SpawnLoop loop;
        try {
            int uidq = SystemUsers.system().uid("qmailq");
            try {
                new TcptoTable(queue.tcpto()).clear();
            } catch (IOException e) {
                // qmail's tcpto_clean: "if it fails, bummer"
            }
            Spawner spawner = Spawner.create();
            List<byte[]> env = Spawner.inheritedEnvironment();
            // notqmail: $QMAILREMOTE replaces qmail-remote, and is spawned for every delivery as before.
            // Otherwise control/qmailremote decides per delivery; by default, in this JVM.
            String qr = System.getenv("QMAILREMOTE");
            SpawnLoop.Worker worker = qr != null && !qr.isEmpty()
                ? new RemoteDelivery(spawner, qr.getBytes(StandardCharsets.ISO_8859_1), env)
                : new RemoteWorker(new ControlFile(root.resolve("control")),
                    new InProcessDelivery(RemoteRun.keepingSessions(root, System.getenv("DNSCACHEIP"))),
                    program -> new RemoteDelivery(spawner, program, env));
            loop = new SpawnLoop(spawner, queue.queue().resolve("mess"), uidq, worker,
                new FileOutputStream(FileDescriptor.out));
        } catch (IOException | RuntimeException | LinkageError e) {
            System.exit(111);
            return;
        }
        try (InputStream in = new FileInputStream(FileDescriptor.in)) {
            loop.run(in);
        } catch (IOException e) {
            // closing fd 0 at the end: nothing to do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(0);
    }
}
