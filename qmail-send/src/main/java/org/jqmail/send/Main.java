package org.jqmail.send;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.jqmail.common.ControlFile;
import org.jqmail.common.InheritedFd;
import org.jqmail.spawn.Spawner;
import org.jqmail.common.QmailRoot;
import org.jqmail.common.QueueLayout;

/**
 * qmail-send: the queue manager (docs/qmail-send.md). Started by qmail-start as qmails with
 * fd 0 = log (written), fd 1/2 = requests to / reports from qmail-lspawn, fd 3/4 = the same for
 * qmail-rspawn, fd 5/6 = requests to / answers from qmail-clean. No arguments.
 * <p>
 * Exit 111 if it cannot start (every reason logged as {@code alert: cannot start: ...}) or after a
 * spawner or qmail-clean went away; 0 after SIGTERM once the deliveries in progress have ended.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // fd 1 is qmail-lspawn's request pipe and fd 2 the read end of its reports: nothing may print
        // there, or a stray line would be read as delivery requests
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        Log log;
        try {
            log = new Log(InheritedFd.output(0));
        } catch (IOException e) {
            System.exit(111);
            return;
        }
        // a bug in any thread stops the whole process loudly, so supervise restarts a sound one, rather
        // than leaving, say, todo/ unprocessed forever; the queue is crash-proof by design
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            log.alert("internal error in " + t.getName() + ": " + Log.safe(String.valueOf(e)) + "; exiting");
            Runtime.getRuntime().halt(111);
        });
        System.exit(run(log));
    }

    static int run(Log log) {
        Path root = QmailRoot.get();
        if (!Files.isDirectory(root)) return cannotStart(log, "unable to switch to home directory");
        ControlFile control = new ControlFile(root.resolve("control"));
        Controls controls;
        try {
            controls = Controls.load(control);
        } catch (IOException | RuntimeException e) {
            return cannotStart(log, "unable to read controls");
        }
        QueueLayout queue = new QueueLayout(root.resolve("queue"));
        if (!Files.isDirectory(queue.queue())) return cannotStart(log, "unable to switch to queue directory");

        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Signals.install(events);

        FileLock mutex;
        try {
            // held until exit; never closed
            @SuppressWarnings("resource")
            FileChannel ch = FileChannel.open(queue.sendmutex(), StandardOpenOption.WRITE);
            mutex = ch.tryLock();
        } catch (IOException e) {
            return cannotStart(log, "unable to open mutex");
        }
        if (mutex == null) return cannotStart(log, "qmail-send is already running");

        SpawnLink[] links = new SpawnLink[Channel.COUNT];
        int[] spawnMax = new int[Channel.COUNT];
        Cleaner cleaner;
        try {
            // fds 1-6 are pipes qmail-start made as root: read and written by number (read(2), write(2)),
            // because reopening a root-owned pipe through /proc/self/fd is refused to qmails.
            Spawner fd = Spawner.create();
            links[Channel.LOCAL] = new SpawnLink(Channel.LOCAL, fd.input(2), buffered(fd.output(1)), events);
            links[Channel.REMOTE] = new SpawnLink(Channel.REMOTE, fd.input(4), buffered(fd.output(3)), events);
            for (int c = 0; c < Channel.COUNT; c++) {
                spawnMax[c] = links[c].hello();
                if (spawnMax[c] < 0) return cannotStart(log, "hath the daemon spawn no fire?");
            }
            InputStream answers = fd.input(6);
            cleaner = new Cleaner(buffered(fd.output(5)), answers);
        } catch (IOException | RuntimeException | LinkageError e) {
            return cannotStart(log, "hath the daemon spawn no fire?");
        }

        Send send = new Send(queue, control, log, controls, events, links, spawnMax);
        try {
            int code = send.run(cleaner, Finisher.queueClient(log));
            mutex.release();
            return code;
        } catch (InterruptedException | IOException e) {
            return 111;
        }
    }

    private static OutputStream buffered(OutputStream out) {
        return new BufferedOutputStream(out, 8192);
    }

    private static int cannotStart(Log log, String why) {
        log.alert("cannot start: " + why);
        return 111;
    }
}
