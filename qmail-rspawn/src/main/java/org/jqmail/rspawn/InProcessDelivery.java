package org.jqmail.rspawn;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.jqmail.remote.RemoteRun;
import org.jqmail.spawn.ExitStatus;
import org.jqmail.spawn.Report;
import org.jqmail.spawn.SpawnLoop;
import org.jqmail.spawn.SpawnRequest;

/**
 * One remote delivery without a process: qmail-remote's SMTP client ({@link RemoteRun}) runs in this
 * JVM, in the delivery's own thread, with the arguments qmail-rspawn.c would pass ({@code host sender
 * recipient}) and the message it would put on fd 0, and its output becomes the report exactly as a
 * child's would ({@link RemoteReport}, exit status 0). The identity is the same either way: qmail-remote
 * runs as qmailr, as qmail-rspawn does. This saves a JVM start (tens of milliseconds of CPU and a
 * JVM's memory) per delivery.
 * <p>
 * The message: the loop's descriptor, opened again through /proc/self/fd (a new open file, so reading
 * starts at offset 0 and the loop's descriptor is not moved), read in buffers and never whole, and
 * closed here; the loop closes its own. Anything unexpected, even an Error, is a temporary failure
 * ({@code Zqmail-remote crashed.}, as for a child killed by a signal): never a bounce, never the end of
 * the loop.
 */
final class InProcessDelivery implements SpawnLoop.Worker {
    /** Made in advance: an OutOfMemoryError must still get its report out. */
    private static final Report CRASHED = Report.of("Zqmail-remote crashed.\n");
    /** What qmail-remote says when it cannot read fd 0. */
    private static final Report UNREADABLE = Report.of("ZUnable to read message. (#4.3.0)\n");

    /** qmail-remote's delivery as a call: {@link RemoteRun#deliver(List, FileChannel, OutputStream)}. */
    interface Call {
        int deliver(List<String> args, FileChannel message, OutputStream report);
    }

    private final Call remote;

    InProcessDelivery(RemoteRun remote) {
        this(remote::deliver);
    }

    InProcessDelivery(Call remote) {
        this.remote = remote;
    }

    @Override
    public Report deliver(SpawnRequest r, int messageFd, int at) {
        try {
            return attempt(r, messageFd, at);
        } catch (Throwable e) {
            return CRASHED;
        }
    }

    private Report attempt(SpawnRequest r, int messageFd, int at) {
        byte[] rcpt = r.recipient();
        List<String> args = List.of(latin1(rcpt, at + 1, rcpt.length - at - 1), latin1(r.sender(), 0, r.sender().length),
            latin1(rcpt, 0, rcpt.length));
        FileChannel message;
        try {
            message = FileChannel.open(Path.of("/proc/self/fd/" + messageFd), StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            return UNREADABLE;
        }
        BoundedOutput out = new BoundedOutput();
        int status;
        try {
            status = remote.deliver(args, message, out);
        } finally {
            try {
                message.close();
            } catch (IOException e) {
                // read-only: nothing was lost
            }
        }
        return RemoteReport.of(ExitStatus.exited(status), out.bytes());
    }

    /** Arguments as jqmail holds addresses: one char per byte (what RawArguments gives the program). */
    private static String latin1(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }
}
