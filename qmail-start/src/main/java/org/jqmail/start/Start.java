package org.jqmail.start;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jqmail.spawn.IdentityPrefix;
import org.jqmail.spawn.Spawner;

/**
 * What qmail-start.c does, in its order, with posix_spawn for fork. The wiring (SPEC.md):
 * <pre>
 *   logger (qmaill, nofiles)  fd 0 = log pipe                 (only if a logger was named)
 *   qmail-lspawn (root)       fd 0 = requests, fd 1 = reports
 *   qmail-rspawn (qmailr)     fd 0 = requests, fd 1 = reports
 *   qmail-clean (qmailq)      fd 0 = requests, fd 1 = replies
 *   qmail-send (qmails)       fd 0 = log, 1/2 = lspawn, 3/4 = rspawn, 5/6 = clean
 * </pre>
 * One difference from qmail: qmail closes the daemons' fd 2, which for a JVM is dangerous (the next
 * file it opens becomes its stderr); ours get the log as fd 2, so a daemon that cannot start says why
 * where qmail-send's alerts go. The logger keeps our fd 1 and fd 2.
 */
final class Start {
    /** qmail-start.c's default when no default delivery is given. */
    static final byte[] DEFAULT_DELIVERY = "./Mailbox".getBytes(StandardCharsets.US_ASCII);

    private final Spawner spawner;
    private final Native libc;
    private final Programs programs;
    private final Identities ids;
    private final IdentityPrefix prefix;
    private final List<byte[]> env;
    /** Where alerts and qmail-send's log go: our fd 1, or the logger's pipe once it runs. */
    private int log = 1;

    Start(Spawner spawner, Native libc, Programs programs, Identities ids, List<byte[]> env) {
        this.spawner = spawner;
        this.libc = libc;
        this.programs = programs;
        this.ids = ids;
        this.prefix = IdentityPrefix.setpriv(programs.setpriv());
        this.env = env;
    }

    int log() {
        return log;
    }

    /** {@code args}: [defaultdelivery [logger args...]]. Returns only on failure. */
    void run(List<byte[]> args) throws StartFailure {
        byte[] defaultDelivery = args.isEmpty() ? DEFAULT_DELIVERY : args.get(0);
        if (args.size() > 1) startLogger(args.subList(1, args.size()));

        int[] pi1 = pipe(); // qmail-send -> qmail-lspawn
        int[] pi2 = pipe(); // qmail-lspawn -> qmail-send
        int[] pi3 = pipe(); // qmail-send -> qmail-rspawn
        int[] pi4 = pipe(); // qmail-rspawn -> qmail-send
        int[] pi5 = pipe(); // qmail-send -> qmail-clean
        int[] pi6 = pipe(); // qmail-clean -> qmail-send

        // qmail-lspawn stays root, with the group qmail this process already has.
        spawn("qmail-lspawn", List.of(path(programs.lspawn()), defaultDelivery), pi1[0], pi2[1], log);
        spawn("qmail-rspawn", as(ids.qmailr(), ids.qmail(), path(programs.rspawn())), pi3[0], pi4[1], log);
        spawn("qmail-clean", as(ids.qmailq(), ids.qmail(), path(programs.clean())), pi5[0], pi6[1], log);

        byte[] lastWords = new StartFailure("unable to become qmail-send").alert().getBytes(StandardCharsets.US_ASCII);
        new Becoming(libc).exec(as(ids.qmails(), ids.qmail(), path(programs.send())), env,
            new int[] {log, pi1[1], pi2[0], pi3[1], pi4[0], pi5[1], pi6[0]}, lastWords);
    }

    /** qmail-start.c: the logger runs as qmaill, group nofiles, reading the log on fd 0. */
    private void startLogger(List<byte[]> command) throws StartFailure {
        int[] pi0 = pipe();
        List<byte[]> argv = new ArrayList<>(prefix.argv(ids.qmaill(), ids.nofiles()));
        argv.addAll(command);
        spawn(new String(command.get(0), StandardCharsets.ISO_8859_1), argv, pi0[0], 1, 2);
        spawner.close(pi0[0]);
        log = pi0[1];
    }

    private List<byte[]> as(int uid, int gid, byte[] program) {
        List<byte[]> argv = new ArrayList<>(prefix.argv(uid, gid));
        argv.add(program);
        return argv;
    }

    private void spawn(String name, List<byte[]> argv, int... fds) throws StartFailure {
        try {
            spawner.spawn(argv, env, fds);
        } catch (IOException | IllegalArgumentException e) {
            throw new StartFailure("unable to start " + org.jqmail.common.Ascii.printable(name) + ": " + e.getMessage());
        }
    }

    private int[] pipe() throws StartFailure {
        try {
            return spawner.pipe();
        } catch (IOException e) {
            throw new StartFailure("unable to make a pipe: " + e.getMessage());
        }
    }

    private static byte[] path(java.nio.file.Path p) {
        return p.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
