package org.jqmail.start;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jnr.posix.POSIX;
import org.jqmail.common.QmailRoot;
import org.jqmail.spawn.Spawner;

/**
 * qmail-start: turn on mail delivery (docs/qmail-start.md).
 * <pre>
 *   qmail-start [defaultdelivery [logger arg ...]]
 * </pre>
 * Run as root, normally by supervise. Starts qmail-lspawn, qmail-rspawn, qmail-clean and the logger on
 * pipes and then becomes qmail-send in this same process (same pid). It never exits 0: qmail-send's
 * exit is its exit. 111 (and one {@code alert:} line on the log) if anything on the way fails.
 */
public final class Main {
    private Main() {}

    public static void main(String[] argv) {
        Start start = null;
        Native libc = null;
        try {
            Spawner spawner = Spawner.create();
            libc = Native.load();
            POSIX posix = spawner.posix();
            if (libc.chdir("/") != 0) throw new StartFailure("unable to chdir to /");
            libc.umask(077);
            Identities ids = Identities.lookUp(posix);
            // prot_gid: the group list and the gid of every process we start is qmail.
            if (libc.setgroups(1, new int[] {ids.qmail()}) != 0 || libc.setgid(ids.qmail()) != 0) {
                throw new StartFailure("unable to set group qmail: errno " + posix.errno());
            }
            Programs programs = Programs.installed(QmailRoot.get());
            programs.check();
            start = new Start(spawner, libc, programs, ids, Spawner.inheritedEnvironment());
            // The exact bytes: an 8-bit default delivery or logger argument must reach its program unchanged.
            start.run(org.jqmail.common.RawArguments.of(argv).stream()
                .map(a -> a.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).toList());
            throw new StartFailure("unable to become qmail-send");
        } catch (StartFailure e) {
            alert(libc, start == null ? 1 : start.log(), e.alert());
        } catch (IOException | RuntimeException | LinkageError e) {
            alert(libc, start == null ? 1 : start.log(), "alert: qmail-start: cannot start: " + e + "\n");
        }
        System.exit(111);
    }

    private static void alert(Native libc, int fd, String line) {
        byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
        if (libc != null) {
            libc.write(fd, b, b.length);
        } else {
            System.out.print(line);
            System.out.flush();
        }
    }
}
