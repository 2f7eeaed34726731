package org.jqmail.send;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jqmail.common.FileProbe;
import org.jqmail.common.QueueLayout;
import org.jqmail.queue.client.QueueClient;
import org.jqmail.queue.client.QueueResult;

/**
 * The finishing thread: a message with no recipients left (no local/N, no remote/N) gets its todo/N
 * removed if {@link Commits} still held it, its bounce injected, info/N removed, {@code end msg} logged,
 * and then mess/N removed through qmail-clean (qmail-send.c messdone(), injectbounce()). Bounces run
 * qmail-queue, a process start, so this is done off the event loop, which meanwhile keeps delivering.
 * A failure is logged and handed back to the loop ({@link Event.FinishFailed}), which retries after
 * {@link Send#SLEEP_SYSFAIL} seconds.
 * <p>
 * It also does qmail's cleanup of old debris, every {@link #SLEEP_CLEANUP} seconds: a mess/ file with
 * neither info nor todo, not accessed for {@link #OSSIFIED} seconds (longer than qmail-queue's 24-hour
 * limit), is removed through qmail-clean.
 */
final class Finisher implements Runnable {
    static final long SLEEP_CLEANUP = 76431;
    static final long OSSIFIED = 129600;
    private static final long WAKE = -1;

    /** Injects a bounce; the real one runs qmail-queue through {@link QueueClient}. */
    interface Injector {
        /** Returns qmail-queue's pid (the "qp") when the bounce is queued; null after a logged warning. */
        Long inject(Bounce bounce, Path bounceFile, Path messFile, long now);
    }

    private final QueueLayout queue;
    private final Log log;
    private final Cleaner cleaner;
    private final Commits commits;
    private final Supplier<Controls> controls;
    private final Injector injector;
    private final BlockingQueue<Event> events;
    private final BlockingQueue<Long> work = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean stop;
    private long cleanupTime = Send.now();

    Finisher(QueueLayout queue, Log log, Cleaner cleaner, Commits commits, Supplier<Controls> controls,
            Injector injector, BlockingQueue<Event> events) {
        this.queue = queue;
        this.log = log;
        this.cleaner = cleaner;
        this.commits = commits;
        this.controls = controls;
        this.injector = injector;
        this.events = events;
        this.thread = new Thread(this, "qmail-send finish");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void finish(long id) {
        work.add(id);
    }

    /** Completes the message in hand, then stops; waits at most {@code millis}. */
    void stop(long millis) throws InterruptedException {
        stop = true;
        work.add(WAKE); // not an interrupt: that would close the files of a bounce being written
        thread.join(millis);
    }

    @Override
    public void run() {
        try {
            while (!stop) {
                Long id;
                try {
                    id = work.poll(Math.max(1, cleanupTime - Send.now()), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (id != null && id == WAKE) continue;
                if (id != null) {
                    if (!messDone(id)) events.add(new Event.FinishFailed(id));
                } else if (Send.now() >= cleanupTime) {
                    cleanup();
                    cleanupTime = Send.now() + SLEEP_CLEANUP;
                }
            }
        } catch (Cleaner.Lost e) {
            events.add(new Event.CleanLost());
        }
    }

    /** messdone(): true when done (or nothing to do); false after a logged warning. */
    boolean messDone(long id) throws Cleaner.Lost {
        for (int c = 0; c < Channel.COUNT; c++) {
            Path p = c == Channel.LOCAL ? queue.local(id) : queue.remote(id);
            int e = FileProbe.exists(p);
            if (e > 0) return true; // false alarm
            if (e < 0) {
                log.warning("unable to stat " + Todo.chanName(id, c) + "; will try again later");
                return false;
            }
        }
        if (!removeHeldTodo(id)) return false;
        int t = FileProbe.exists(queue.todo(id));
        if (t > 0) return true;
        if (t < 0) {
            log.warning("unable to stat todo/" + id + "; will try again later");
            return false;
        }
        int i = FileProbe.exists(queue.info(id));
        if (i == 0) return true;
        if (i < 0) {
            log.warning("unable to stat " + Todo.infoName(id) + "; will try again later");
            return false;
        }
        if (!injectBounce(id)) return false;
        try {
            Files.delete(queue.info(id));
        } catch (IOException e) {
            log.warning("unable to unlink " + Todo.infoName(id) + "; will try again later");
            return false;
        }
        // as qmail-send.c messdone(): logged once info/N is gone, so the line means "nothing left to do"
        log.endMsg(id);
        if (!cleaner.clean("foop/" + id)) log.warning("qmail-clean unable to clean up foop/" + id);
        return true;
    }

    /**
     * A message finished while {@link Commits} still held its todo/N: that is removed first (unsynced,
     * as the rest of its files), so that from here on it is a message like any other. False after a
     * logged warning; the message is then committed instead, and finished at the retry.
     */
    private boolean removeHeldTodo(long id) throws Cleaner.Lost {
        try {
            if (!commits.claim(id)) return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        boolean removed = false;
        try {
            removed = cleaner.clean("todo/" + id);
            if (!removed) log.warning("qmail-clean unable to clean up todo/" + id);
        } finally {
            if (removed) commits.finished(id);
            else commits.released(id);
        }
        return removed;
    }

    /** injectbounce(): true if there was no bounce, or it is queued (or dropped) and bounce/N is gone. */
    boolean injectBounce(long id) {
        String sender = readSender(queue.info(id));
        if (sender == null) return false;
        Path bounceFile = queue.bounce(id);
        int b = FileProbe.exists(bounceFile);
        if (b == 0) return true;
        if (b < 0) {
            log.warning("unable to stat bounce/" + id);
            return false;
        }
        Controls ctl = controls.get();
        Bounce bounce = new Bounce(sender, ctl.bouncefrom(), ctl.bouncehost(), ctl.doublebounceto());
        if (bounce.triple()) {
            log.tripleBounce(id);
        } else {
            Long qp = injector.inject(bounce, bounceFile, queue.mess(id), Send.now());
            if (qp == null) return false;
            log.bounceMsg(id, qp);
        }
        try {
            Files.delete(bounceFile);
        } catch (IOException e) {
            log.warning("unable to unlink bounce/" + id);
            return false;
        }
        return true;
    }

    /** getinfo(): the sender of info/N (its first record, which must be F), or null. */
    static String readSender(Path info) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(info), 512)) {
            Records r = new Records(in);
            if (!r.next() || r.type() != 'F') return null;
            return r.value();
        } catch (IOException e) {
            return null;
        }
    }

    /** The real injector: qmail-queue through {@link QueueClient}; the Received line says "for bounce". */
    static Injector queueClient(Log log) {
        return (bounce, bounceFile, messFile, now) -> {
            try (QueueClient qq = QueueClient.open(QueueClient.program(), bounce.envelope())) {
                long qp = qq.pid();
                try {
                    bounce.write(qq.message(), bounceFile, messFile, now);
                } catch (IOException e) {
                    qq.fail();
                }
                QueueResult r = qq.finish();
                if (!r.queued()) {
                    log.warning(r.exitCode() == org.jqmail.common.QueueExit.EXEC_FAILED
                        ? "unable to start qmail-queue, will try later"
                        : "trouble injecting bounce message, will try later");
                    return null;
                }
                return qp;
            } catch (IOException e) {
                log.warning("unable to start qmail-queue, will try later");
                return null;
            }
        };
    }

    /** cleanup_do(): debris in mess/ left by a qmail-queue that died before its commit. */
    void cleanup() throws Cleaner.Lost {
        long now = Send.now();
        for (int s = 0; s < QueueLayout.SPLIT && !stop; s++) {
            try (var dir = Files.newDirectoryStream(queue.queue().resolve("mess").resolve(Integer.toString(s)))) {
                for (Path p : dir) {
                    if (stop) return;
                    long id = QueueLayout.parseNumber(p.getFileName().toString());
                    if (id <= 0) continue;
                    BasicFileAttributes a;
                    try {
                        a = Files.readAttributes(p, BasicFileAttributes.class);
                    } catch (IOException e) {
                        continue; // probably qmail-queue deleted it
                    }
                    if (now <= a.lastAccessTime().toMillis() / 1000 + OSSIFIED) continue;
                    if (FileProbe.exists(queue.info(id)) != 0 || FileProbe.exists(queue.todo(id)) != 0) continue;
                    if (!cleaner.clean("foop/" + id)) log.warning("qmail-clean unable to clean up foop/" + id);
                }
            } catch (IOException | java.nio.file.DirectoryIteratorException e) {
                // a missing split directory: nothing to clean there
            }
        }
    }
}
