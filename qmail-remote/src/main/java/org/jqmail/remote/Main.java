package org.jqmail.remote;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.util.Random;
import org.jqmail.common.QmailRoot;
import org.jqmail.common.RawArguments;

/**
 * qmail-remote: send one message to recipients at one remote host over SMTP (docs/qmail-remote.md).
 * <pre>
 *   qmail-remote host sender recip [recip ...]
 * </pre>
 * fd 0: the message. fd 1: the recipient reports and the message report, each ending in NUL
 * ({@link Reports}). Exit 0 whatever happened: the result is the output. Nothing is ever written to
 * fd 2, which qmail-rspawn joins to fd 1. The delivery itself is {@link RemoteRun}, which qmail-rspawn
 * also calls in its own JVM; this wires it to the process: argv's raw bytes, fd 0, fd 1, the pid.
 */
public final class Main {
    private Main() {}

    public static void main(String[] argv) {
        long pid = ProcessHandle.current().pid();
        long now = System.currentTimeMillis() / 1000;
        int status = new RemoteRun(QmailRoot.get(), System.getenv("DNSCACHEIP"))
            .deliver(RawArguments.of(argv), MessageInput.stdin(), new FileOutputStream(FileDescriptor.out), now, pid,
                new Random(now ^ (pid << 16)));
        org.jqmail.common.QuickExit.now(status);
    }
}
