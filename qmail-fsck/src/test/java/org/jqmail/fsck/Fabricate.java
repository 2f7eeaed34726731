package org.jqmail.fsck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.jqmail.common.QueueLayout;

/**
 * Queues a message in qmail-queue's order and naming (pid file, its inode N, mess/S/N, intd/N, todo/N)
 * without the fsyncs: 10,000 real injections would test the disk, not qmail-fsck.
 */
final class Fabricate {
    private Fabricate() {}

    static long message(QueueLayout q, int i) throws IOException {
        Path pid = q.pidDir().resolve("1." + i + ".1");
        Files.createFile(pid, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        long n = (Long) Files.getAttribute(pid, "unix:ino");
        Files.createLink(q.mess(n), pid);
        Files.delete(pid);
        Files.write(q.mess(n), ("Received: (qmail 1 invoked by uid 0); 1 Jan 2026 00:00:00 -0000\n\nmessage " + i + "\n")
            .getBytes(StandardCharsets.US_ASCII));
        Files.write(q.intd(n), ("u0\0p1\0Fs@x\0Tr" + i + "@y\0").getBytes(StandardCharsets.ISO_8859_1));
        Files.setAttribute(q.intd(n), "unix:mode", 0644);
        Files.createLink(q.todo(n), q.intd(n));
        return n;
    }
}
