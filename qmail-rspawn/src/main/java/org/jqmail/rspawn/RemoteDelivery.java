package org.jqmail.rspawn;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jqmail.spawn.ExitStatus;
import org.jqmail.spawn.Report;
import org.jqmail.spawn.SpawnLoop;
import org.jqmail.spawn.SpawnRequest;
import org.jqmail.spawn.Spawner;

/**
 * One remote delivery, as qmail-rspawn.c's spawn() child does it: {@code qmail-remote host sender
 * recipient} (host = the text after the recipient's last '@') with fd 0 the message and fds 1 and 2 one
 * pipe, read to its end; the exit status and output become the report ({@link RemoteReport}).
 * qmail-rspawn already runs as qmailr, so qmail-remote does too: no identity change.
 */
final class RemoteDelivery implements SpawnLoop.Worker {
    private final Spawner spawner;
    private final byte[] program;
    private final List<byte[]> env;

    /** @param program qmail-remote's path (ROOT/bin/qmail-remote, or $QMAILREMOTE as notqmail allows) */
    RemoteDelivery(Spawner spawner, byte[] program, List<byte[]> env) {
        this.spawner = spawner;
        this.program = program;
        this.env = env;
    }

    @Override
    public Report deliver(SpawnRequest r, int messageFd, int at) {
        byte[] rcpt = r.recipient();
        int[] pipe;
        try {
            pipe = spawner.pipe();
        } catch (IOException e) {
            return Report.of("Zqmail-spawn unable to create pipe. (#4.3.0)\n");
        }
        List<byte[]> argv = new ArrayList<>(4);
        argv.add(program);
        argv.add(Arrays.copyOfRange(rcpt, at + 1, rcpt.length));
        argv.add(r.sender());
        argv.add(rcpt);
        long pid;
        try {
            pid = spawner.spawn(argv, env, messageFd, pipe[1], pipe[1]);
        } catch (IOException | RuntimeException e) {
            spawner.close(pipe[0]);
            // qmail-rspawn's child exits 111 when exec fails temporarily; a missing or broken
            // qmail-remote is an installation problem, never a reason to bounce (notqmail GH#244).
            return Report.of("ZUnable to run qmail-remote.\n");
        } finally {
            spawner.close(pipe[1]);
        }
        BoundedOutput output = new BoundedOutput();
        boolean readAll = true;
        try {
            spawner.drain(pipe[0], output);
        } catch (IOException e) {
            readAll = false;
        }
        ExitStatus status;
        try {
            status = spawner.waitFor(pid);
        } catch (IOException e) {
            return Report.of("Zqmail-rspawn lost track of qmail-remote. (#4.3.0)\n");
        }
        if (!readAll) return Report.of("Zqmail-rspawn lost track of qmail-remote. (#4.3.0)\n");
        return RemoteReport.of(status, output.bytes());
    }
}
