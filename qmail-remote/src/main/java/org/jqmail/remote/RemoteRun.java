package org.jqmail.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.jqmail.common.ControlFile;
import org.jqmail.common.QueueLayout;
import org.jqmail.tcpto.TcptoTable;

/**
 * One qmail-remote delivery as a call (docs/qmail-remote.md): the arguments {@code host sender recip
 * ...}, the message, and a stream that receives exactly the bytes the program writes on fd 1 (the
 * recipient reports, then the message report, each ending in NUL); the result is the exit status the
 * program would have, always 0. bin/qmail-remote ({@link Main}) makes one for its single delivery;
 * qmail-rspawn makes one for its whole life and calls {@link #deliver(List, FileChannel, OutputStream)}
 * from one thread per delivery, which saves a JVM start per delivery.
 * <p>
 * Thread safety: nothing here changes after construction, and each delivery has its own controls,
 * DNS client, connection (or one taken from the kept sessions, {@link #keepingSessions}), TLS engine
 * and report. The controls are read again for every delivery, as
 * qmail-remote reads them at every start: a handful of small files, far cheaper than the DNS lookup
 * and the connection that follow, and an administrator's change applies from the next delivery on,
 * with no staleness check to get wrong. The one thing the deliveries share is queue/lock/tcpto, behind
 * {@link LockedTcpto}: so a process must make one RemoteRun for one root, not one per delivery.
 */
public final class RemoteRun {
    static final int DNS_TIMEOUT_MILLIS = 5000;

    private final Path root;
    private final String dnscacheip;
    private final Path resolvConf;
    private final Tcpto tcpto;
    private final IdleSessions sessions; // null: a connection per delivery, as qmail-remote

    /**
     * @param root       the installation root (qmail-remote's chdir)
     * @param dnscacheip the environment's {@code DNSCACHEIP}, or null
     */
    public RemoteRun(Path root, String dnscacheip) {
        this(root, dnscacheip, Path.of("/etc/resolv.conf"));
    }

    RemoteRun(Path root, String dnscacheip, Path resolvConf) {
        this(root, dnscacheip, resolvConf, null);
    }

    private RemoteRun(Path root, String dnscacheip, Path resolvConf, IdleSessions sessions) {
        this.sessions = sessions;
        this.root = root;
        this.dnscacheip = dnscacheip;
        this.resolvConf = resolvConf;
        this.tcpto = new LockedTcpto(new TcptoTable(new QueueLayout(root.resolve("queue")).tcpto()));
    }

    /**
     * For qmail-rspawn: a RemoteRun whose deliveries keep their SMTP session open after a message was
     * accepted, for control/timeoutreuse seconds, and give it to the next delivery to the same server
     * ({@link IdleSessions}).
     */
    public static RemoteRun keepingSessions(Path root, String dnscacheip) {
        return keepingSessions(root, dnscacheip, Path.of("/etc/resolv.conf"));
    }

    static RemoteRun keepingSessions(Path root, String dnscacheip, Path resolvConf) {
        return new RemoteRun(root, dnscacheip, resolvConf, new IdleSessions());
    }

    /**
     * One delivery in this JVM: {@code message} is read from its current position (rewound by the
     * 8-bit scan when it can seek) and not closed; the reports are written to {@code report} once, at
     * the end. qmail's getpid() (the tcpto spread) and the shuffle of equal MX preferences are drawn
     * afresh for each delivery, so that deliveries of one process do not all make the same choices.
     */
    public int deliver(List<String> args, FileChannel message, OutputStream report) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return deliver(args, MessageInput.of(message), report, System.currentTimeMillis() / 1000, r.nextInt(1 << 15),
            new Random(r.nextLong()));
    }

    /** The delivery with the program's choices made by the caller: the time, the pid, the random source. */
    int deliver(List<String> args, InputStream message, OutputStream report, long now, long pid, Random random) {
        Reports out = new Reports();
        Verdict v;
        try {
            v = run(args, message, out, now, pid, random);
        } catch (RuntimeException | Error e) {
            // A bug must not lose the message: temporary, and the report still ends properly.
            v = Verdict.temporary("qmail-remote failed: " + Reports.safe(String.valueOf(e)) + " (#4.3.0)\n");
        }
        out.message(v.letter(), v.text());
        try {
            report.write(out.bytes());
            report.flush();
        } catch (IOException e) {
            // nobody is listening
        }
        return 0;
    }

    Verdict run(List<String> argv, InputStream message, Reports out, long now, long pid, Random random) {
        if (argv.size() < 3) return Verdict.usage();
        if (!Files.isDirectory(root)) return Verdict.chdir();
        Controls controls;
        try {
            controls = Controls.read(root, new ControlFile(root.resolve("control")), dnscacheip, resolvConf);
        } catch (Verdict v) {
            return v;
        }
        Delivery d = new Delivery(controls, new DnsClient(controls.dnsServers(), DNS_TIMEOUT_MILLIS), tcpto,
            Ipme::addresses, random, now, pid, SmtpRoutes.SMTP_PORT, sessions);
        return d.run(argv.get(0), argv.get(1), argv.subList(2, argv.size()), message, out);
    }
}
