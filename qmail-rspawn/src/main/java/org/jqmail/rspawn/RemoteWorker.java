package org.jqmail.rspawn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.jqmail.common.ControlFile;
import org.jqmail.spawn.Report;
import org.jqmail.spawn.SpawnLoop;
import org.jqmail.spawn.SpawnRequest;

/**
 * Chooses, for each delivery, how qmail-remote runs: control/qmailremote (ours) names a program to
 * spawn, one process per delivery as qmail does (ROOT/bin/qmail-remote, or a replacement, as
 * $QMAILREMOTE would); missing or empty, the delivery runs in this JVM ({@link InProcessDelivery}).
 * The file is read for every delivery, like qmail-remote's own controls, so an administrator can switch
 * either way without a restart. A file that exists but cannot be read defers the delivery with
 * qmail-remote's text for unreadable controls.
 */
final class RemoteWorker implements SpawnLoop.Worker {
    static final String CONTROL = "qmailremote";
    private static final Report UNREADABLE = Report.of("ZUnable to read control files. (#4.3.0)\n");

    private final ControlFile control;
    private final SpawnLoop.Worker inProcess;
    private final Function<byte[], SpawnLoop.Worker> spawning;

    /** @param spawning the spawning worker for a program's path (its exact bytes) */
    RemoteWorker(ControlFile control, SpawnLoop.Worker inProcess, Function<byte[], SpawnLoop.Worker> spawning) {
        this.control = control;
        this.inProcess = inProcess;
        this.spawning = spawning;
    }

    @Override
    public Report deliver(SpawnRequest r, int messageFd, int at) {
        String program;
        try {
            program = control.line(CONTROL, "");
        } catch (IOException | RuntimeException e) {
            return UNREADABLE;
        }
        if (program.isEmpty()) return inProcess.deliver(r, messageFd, at);
        return spawning.apply(program.getBytes(StandardCharsets.ISO_8859_1)).deliver(r, messageFd, at);
    }
}
