package org.jqmail.lspawn;

import org.jqmail.spawn.Report;
import org.jqmail.spawn.ExitStatus;
import org.jqmail.spawn.IdentityPrefix;
import org.jqmail.spawn.Spawner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks qmail-getpw who controls a local part, as qmail-lspawn.c does when users/cdb has no answer: run
 * {@code bin/qmail-getpw LOCAL} as qmailp with group nofiles (through the identity prefix), fd 0 on
 * /dev/null, fd 1 on a pipe we read, fd 2 our own fd 2, and parse the six NUL-terminated fields.
 * <p>
 * Its exit codes: the qlx.h codes it uses (115 NFS, 116 no alias user, 118 system trouble) keep their
 * qmail-lspawn texts; 111 is a temporary failure and 100 a permanent one, as in qmail. Any other code
 * (setpriv's 126 and 127, a launcher that could not start a JVM) means qmail-getpw did not really run:
 * temporary, "Unable to run qmail-getpw." (qmail would pass such a code through and bounce).
 */
final class Getpw {
    /** qmail-getpw's answer is six short fields; more than this is not an answer. */
    static final int MAX_OUTPUT = 4096;

    private final Spawner spawner;
    private final Path program;
    private final IdentityPrefix prefix;
    private final int uid;
    private final int gid;
    private final List<byte[]> environment;
    private final int devNull;

    Getpw(Spawner spawner, Path program, IdentityPrefix prefix, int uid, int gid, List<byte[]> environment,
            int devNull) {
        this.spawner = spawner;
        this.program = program;
        this.prefix = prefix;
        this.uid = uid;
        this.gid = gid;
        this.environment = environment;
        this.devNull = devNull;
    }

    Assignment find(byte[] local) throws LookupFailure {
        List<byte[]> argv = new ArrayList<>(prefix.argv(uid, gid));
        argv.add(program.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        argv.add(local);
        Bounded out = new Bounded();
        ExitStatus status;
        try {
            int[] pipe = spawner.pipe();
            long pid;
            try {
                pid = spawner.spawn(argv, environment, devNull, pipe[1], 2);
            } catch (IOException e) {
                spawner.close(pipe[0]);
                throw new LookupFailure(LocalReport.internal(LocalReport.QLX_EXECPW));
            } finally {
                spawner.close(pipe[1]);
            }
            spawner.drain(pipe[0], out);
            status = spawner.waitFor(pid);
        } catch (IOException e) {
            throw new LookupFailure(LocalReport.internal(LocalReport.QLX_SYS));
        }
        if (status.crashed()) throw new LookupFailure(LocalReport.internal(LocalReport.QLX_SYS));
        switch (status.code()) {
            case 0 -> {
                Assignment a = out.overflow ? null : Assignment.parse(out.bytes.toByteArray());
                if (a == null) throw new LookupFailure(LocalReport.internal(LocalReport.QLX_USAGE));
                return a;
            }
            case LocalReport.QLX_NFS, LocalReport.QLX_NOALIAS, LocalReport.QLX_SYS, LocalReport.QLX_NOMEM,
                LocalReport.QLX_USAGE -> throw new LookupFailure(LocalReport.internal(status.code()));
            case 111 -> throw new LookupFailure(Report.temporary("Temporary failure in qmail-getpw.\n"));
            case 100 -> throw new LookupFailure(Report.permanent("qmail-getpw refused this address.\n"));
            default -> throw new LookupFailure(LocalReport.internal(LocalReport.QLX_EXECPW));
        }
    }

    private static final class Bounded implements Spawner.Output {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        boolean overflow;

        @Override
        public void append(byte[] buf, int n) {
            if (bytes.size() + n > MAX_OUTPUT) {
                overflow = true;
                return;
            }
            bytes.write(buf, 0, n);
        }
    }
}
