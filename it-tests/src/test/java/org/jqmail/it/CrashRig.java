package org.jqmail.it;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The installation the crash run beats on, every long-running program under daemontools so that a
 * killed one comes back as in production: qmail-send (with qmail-lspawn, qmail-rspawn, qmail-clean),
 * qmail-queued, qmail-smtpd under tcpserver and qmail-smtpd-server, on free ports of 127.0.0.1, all
 * under one svscan. Three destinations: the local user cr's Maildir ({@code cr@HOST}), a program
 * delivery that stores its input in a directory ({@code cr-prog@HOST}), and GreenMail on 127.0.0.2 as
 * the remote sink ({@code sink@crash.example}, through control/smtproutes). Bounces go to the sender
 * {@code cr-bounce@HOST}, a Maildir of their own: the crash run expects none.
 */
final class CrashRig implements AutoCloseable {
    static final int UID = 64131;
    static final String HOST = InstalledRoot.HOST;
    static final String SENDER = "cr-bounce@" + HOST;
    static final String MAILDIR = "cr@" + HOST;
    static final String PROGRAM = "cr-prog@" + HOST;
    static final String REMOTE = "sink@crash.example";
    static final List<String> RECIPIENTS = List.of(MAILDIR, PROGRAM, REMOTE);
    private static final Pattern QSTAT = Pattern.compile(
        "messages in queue: (\\d+)\nmessages in queue but not yet preprocessed: (\\d+)\n");

    final Path root;
    final TestUser user;
    final Path programDir;
    final GreenMail sink;
    final QueueService queue;
    final int smtpdPort;
    final int serverPort;

    private CrashRig(Path root, TestUser user, Path programDir, GreenMail sink, QueueService queue, int smtpdPort,
            int serverPort) {
        this.root = root;
        this.user = user;
        this.programDir = programDir;
        this.sink = sink;
        this.queue = queue;
        this.smtpdPort = smtpdPort;
        this.serverPort = serverPort;
    }

    static CrashRig start(Path tmp) throws Exception {
        Path root = InstalledRoot.root();
        Path programDir = Files.createDirectories(tmp.resolve("program"));
        Path store = tmp.resolve("store-message");
        // A program delivery as a mail filter would do one: all of the input or nothing under its name.
        Files.writeString(store, "#!/bin/sh\nt=" + programDir + "/tmp.$$\ncat > \"$t\" && mv \"$t\" \"" + programDir
            + "/msg.$$.$(date +%s%N)\" || exit 111\n");
        TestUser user = TestUser.create(tmp, "cr", UID, Map.of(".qmail-prog", "|" + store + "\n",
            ".qmail-bounce", "./Bounces/\n"));
        sh("mkdir -p '" + user.home() + "'/Bounces/new '" + user.home() + "'/Bounces/cur '" + user.home() + "'/Bounces/tmp"
            + " && chown -R " + UID + ":" + UID + " '" + user.home() + "' '" + programDir + "' && chmod 755 '" + store + "'");
        GreenMail sink = new GreenMail(new ServerSetup(0, "127.0.0.2", "smtp").dynamicPort());
        sink.start();
        Path routes = root.resolve("control/smtproutes");
        Files.writeString(routes, "crash.example:127.0.0.2:" + sink.getSmtp().getPort() + "\n");
        sh("chmod 644 '" + routes + "'");
        QueueService queue = QueueService.start(root, tmp);
        queue.add("qmail-queued", root.resolve("supervise/qmail-queued"));
        int smtpdPort = PortService.freePort();
        queue.add("qmail-smtpd", copyOfService(tmp, "qmail-smtpd", smtpdPort));
        int serverPort = PortService.freePort();
        queue.add("qmail-smtpd-server", copyOfService(tmp, "qmail-smtpd-server", serverPort));
        CrashRig rig = new CrashRig(root, user, programDir, sink, queue, smtpdPort, serverPort);
        rig.awaitPort(smtpdPort);
        rig.awaitPort(serverPort);
        return rig;
    }

    /** A service directory of the test's own for an installed SMTP service, listening on {@code port}. */
    private static Path copyOfService(Path tmp, String name, int port) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("own-services").resolve(name));
        Path run = Files.writeString(dir.resolve("run"), PortService.runScriptOn(name, port));
        sh("chmod 755 '" + run + "'");
        return dir;
    }

    private void awaitPort(int port) throws Exception {
        queue.await("port " + port + " answers", () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** qmail-qstat's two counts: messages in the queue, and those not yet preprocessed. */
    long[] qstat() throws Exception {
        Proc.Result r = Proc.run(null, root.resolve("bin/qmail-qstat").toString());
        Matcher m = QSTAT.matcher(r.out());
        if (r.exit() != 0 || !m.matches()) throw new IOException("qmail-qstat: " + r.exit() + " " + r.out() + r.err());
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    /**
     * Waits until no message is left to deliver (todo/ and info/ empty), sending qmail-send ALRM (every
     * queued message due now) every few seconds so that deliveries deferred by the kills are retried at
     * once. qmail-qstat's count may stay above zero: it counts mess/ files, and a qmail-queue killed
     * between writing its message and committing it leaves one behind, never to be delivered (qmail-send
     * removes such files after 36 hours, as qmail does).
     */
    void drain(long limitMillis) throws Exception {
        long end = System.currentTimeMillis() + limitMillis;
        long nextAlarm = 0;
        QueueFiles files = new QueueFiles(root);
        while (true) {
            if (pending(files).isEmpty()) return;
            if (System.currentTimeMillis() > end) {
                long[] q = qstat();
                throw new AssertionError("queue not drained in " + limitMillis / 1000 + " s: " + q[0] + " queued, " + q[1]
                    + " unprocessed\n" + Proc.run(null, root.resolve("bin/qmail-qread").toString()).out());
            }
            if (System.currentTimeMillis() > nextAlarm) {
                Proc.run(null, "svc", "-a", queue.service().toString());
                nextAlarm = System.currentTimeMillis() + 3000;
            }
            Thread.sleep(250);
        }
    }

    /**
     * The crash run's messages still in todo/ or info/. The shared installation's queue may also hold
     * what other test classes left (for addresses no longer assigned, or hosts that do not answer):
     * those are told by their mess file, which lacks the X-Crash header (read each time: a finished
     * message's number may come back as a new message's, as qmail's inode numbers do).
     */
    private Set<String> pending(QueueFiles files) throws IOException {
        Set<String> numbers = new TreeSet<>(files.todo());
        for (String i : files.info()) numbers.add(i.substring(i.indexOf('/') + 1));
        Set<String> ours = new TreeSet<>();
        for (String n : numbers) {
            byte[] head = new byte[4096];
            int got;
            try (java.io.InputStream in = Files.newInputStream(files.messOf(n))) {
                got = in.readNBytes(head, 0, head.length);
            } catch (IOException e) {
                ours.add(n); // being written or removed right now: look again next time
                continue;
            }
            if (new String(head, 0, got, java.nio.charset.StandardCharsets.ISO_8859_1).contains("\nX-Crash: ")) ours.add(n);
        }
        return ours;
    }

    /** Stops qmail-send, runs bin/qmail-fsck (a full check: it refuses while qmail-send runs), starts it again. */
    Proc.Result fsck(OurProcesses ours) throws Exception {
        Proc.run(null, "svc", "-d", queue.service().toString());
        List<String> daemons = List.of("qmail-send", "qmail-lspawn", "qmail-rspawn", "qmail-clean").stream()
            .map(OurProcesses.KINDS::get).toList();
        queue.await("qmail-send and its daemons have stopped", () -> !ours.anyRuns(daemons));
        Proc.Result r = Proc.run(null, root.resolve("bin/qmail-fsck").toString());
        Proc.run(null, "svc", "-u", queue.service().toString());
        queue.await("qmail-send runs again", () -> ours.anyRuns(List.of(OurProcesses.KINDS.get("qmail-send"))));
        return r;
    }

    private static void sh(String script) throws Exception {
        Proc.Result r = Proc.sh(script);
        if (r.exit() != 0) throw new IOException(script + ": " + r.out() + r.err());
    }

    @Override
    public void close() throws Exception {
        try {
            queue.close();
        } finally {
            sink.stop();
            Files.deleteIfExists(root.resolve("control/smtproutes"));
        }
    }
}
