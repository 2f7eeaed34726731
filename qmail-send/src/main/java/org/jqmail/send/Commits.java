package org.jqmail.send;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jqmail.common.DurableFiles;
import org.jqmail.common.QueueLayout;
import org.jqmail.common.TimeoutTimer;

/**
 * Preprocessed messages whose todo/N is still in place, and the commit that ends that: the second half
 * of qmail-send.c todo_do(), held back for {@link #HOLD_MILLIS}.
 * <p>
 * qmail forces info/N and local/N or remote/N, and removes todo/N, before a message's first delivery.
 * Most messages are delivered within milliseconds and their files removed again right after, so those
 * four file and directory syncs per message were written for a crash in those milliseconds only, and
 * they competed on the disk with qmail-queue's syncs of the next message (docs/DECISIONS.md "todo/N
 * held while the message is delivered"). Here a message is delivered from its new files at once
 * ({@link #hold}); todo/N, intd/N and mess/N, durable since qmail-queue's commit, stay its durable
 * record, and one of two things ends the hold:
 * <ul>
 * <li>the message is finished within the hold: the finishing thread {@link #claim claims} it and has
 *     todo/N removed, as unsynced as the removal of its other files;
 * <li>it is still queued after {@link #HOLD_MILLIS} (deferred, waiting for a slot, many recipients): it
 *     is committed as qmail does, in batches: the files forced, their directories synced, then todo/N
 *     removed through qmail-clean.
 * </ul>
 * A crash during the hold leaves todo/N, and the todo thread preprocesses the message again (stale
 * files removed first, as always): nothing accepted is lost. Only messages of one recipient are held
 * past their preprocessing: for them a crash in the hold repeats at most that one delivery, in the
 * window between a delivery and its record that qmail has too. A message of several recipients is
 * committed before its first delivery ({@link #commitNow}), as in qmail, so that a crash does not
 * repeat the deliveries already made; so is any message while {@link #MAX_HELD} are held. An orderly
 * stop commits every message still held.
 */
final class Commits {
    /** How long a preprocessed message is delivered from unforced files before it is committed. */
    static final long HOLD_MILLIS = 1000;
    /**
     * Held messages at most: beyond that the deliveries are behind (a burst, a queue full after a
     * restart), the next messages would not be finished within the hold anyway, and the todo thread
     * commits them before it posts them.
     */
    static final int MAX_HELD = 1000;
    /** Messages committed together at most: their fsyncs side by side, one qmail-clean exchange. */
    static final int BATCH = 64;
    /** Threads that fsync a batch's files and directories concurrently. */
    private static final int FSYNC_THREADS = 16;
    private static final ExecutorService FSYNC = Executors.newFixedThreadPool(FSYNC_THREADS, r -> {
        Thread t = new Thread(r, "qmail-send fsync");
        t.setDaemon(true);
        return t;
    });

    private enum State { HELD, COMMITTING, COMMITTED, FINISHING }

    /** One held message; its state is guarded by its own monitor. */
    private static final class Held {
        final Todo.Prepared prepared;
        long since; // System.nanoTime() when held (or when released again)
        State state = State.HELD;

        Held(Todo.Prepared prepared, long since) {
            this.prepared = prepared;
            this.since = since;
        }
    }

    private final QueueLayout queue;
    private final Cleaner cleaner;
    private final Log log;
    private final BlockingQueue<Event> events;
    private final long holdNanos;
    private final TimeoutTimer timer = TimeoutTimer.start("qmail-send commit");
    private final ConcurrentHashMap<Long, Held> held = new ConcurrentHashMap<>();
    /** One commit at a time: the timer's, the todo thread's and the stop's. */
    private final Object committing = new Object();
    /**
     * The look at the held messages armed on the timer: one for all of them, not one per message (a
     * queue of 100,000 after a restart would otherwise look at every message once per message). The
     * current look, when it has committed what is due, arms the next for the earliest message still
     * held. A look wanted earlier than the current one (a release, or a hold while the current one
     * waits out a failed commit's pause) becomes the current one; the one it replaces still commits
     * what is due when its time comes, but arms nothing, so no more than two are ever armed.
     */
    private final Object look = new Object();
    private long lookNumber; // the current look's; guarded by look
    private boolean lookArmed; // the current look is armed or running; guarded by look
    private long lookAt; // its System.nanoTime(); guarded by look
    /** {@link #MAX_HELD}; smaller in tests. */
    int maxHeld = MAX_HELD;

    Commits(QueueLayout queue, Cleaner cleaner, Log log, BlockingQueue<Event> events) {
        this(queue, cleaner, log, events, HOLD_MILLIS);
    }

    /** For tests: a shorter hold. */
    Commits(QueueLayout queue, Cleaner cleaner, Log log, BlockingQueue<Event> events, long holdMillis) {
        this.queue = queue;
        this.cleaner = cleaner;
        this.log = log;
        this.events = events;
        this.holdNanos = TimeUnit.MILLISECONDS.toNanos(holdMillis);
    }

    /** True while todo/N of message {@code id} is held: the todo thread must not preprocess it again. */
    boolean holds(long id) {
        return held.containsKey(id);
    }

    /** Message {@code p} is preprocessed and about to be delivered; committed unless finished in the hold. */
    void hold(Todo.Prepared p) {
        held.put(p.id(), new Held(p, System.nanoTime()));
        armLook(holdNanos);
    }

    /** True when no more messages should be held now ({@link #MAX_HELD}). */
    boolean full() {
        return held.size() >= maxHeld;
    }

    private void armLook(long nanos) {
        long at = System.nanoTime() + nanos;
        long number;
        synchronized (look) {
            // the current look comes first (or is running: it arms the next after its commit)
            if (lookArmed && lookAt - at <= 0) return;
            number = ++lookNumber;
            lookArmed = true;
            lookAt = at;
        }
        timer.arm(nanos, TimeUnit.NANOSECONDS, () -> commitDue(number));
    }

    /**
     * The finishing thread's: message {@code id} has no recipients left. True when its todo/N was
     * still held and is now the caller's to remove, then {@link #finished} or {@link #released}; false
     * when it was committed (todo/N is gone) or never held. Waits while a commit of it runs.
     */
    boolean claim(long id) throws InterruptedException {
        Held h = held.get(id);
        if (h == null) return false;
        synchronized (h) {
            while (h.state == State.COMMITTING) h.wait();
            if (h.state == State.COMMITTED) return false;
            h.state = State.FINISHING;
            return true;
        }
    }

    /** todo/N of a claimed message is removed: it is no longer held. */
    void finished(long id) {
        held.remove(id);
    }

    /** The claimant could not finish message {@code id}: it is committed at the next look instead. */
    void released(long id) {
        Held h = held.get(id);
        if (h == null) return;
        synchronized (h) {
            if (h.state != State.FINISHING) return;
            h.state = State.HELD;
            h.since = System.nanoTime() - holdNanos;
        }
        armLook(0);
    }

    /** Messages held now. */
    int held() {
        return held.size();
    }

    /** At an orderly end, after the event loop has ended (no more marks are written): commits every held message. */
    void stop() {
        timer.stop();
        commit(h -> true);
    }

    /**
     * The todo thread's, before it posts them: messages of several recipients, so that a crash after
     * some of their deliveries does not repeat those, and any while the hold is {@link #full}, are
     * committed now, as qmail does. One that cannot be committed stays held (tried again later).
     */
    void commitNow(Set<Long> ids) {
        commit(h -> ids.contains(h.prepared.id()));
    }

    /**
     * The timer's task, look {@code number}: every message held for {@link #HOLD_MILLIS} or longer is
     * committed; then, if it is still the current look, the next is armed for the earliest of the
     * others. A message held while this look ran found it armed and armed nothing: it is among those
     * looked at here, as its hold came before this look let go.
     */
    private void commitDue(long number) {
        long now = System.nanoTime();
        try {
            commit(h -> now - h.since >= holdNanos);
        } finally {
            armNextLook(number);
        }
    }

    private void armNextLook(long number) {
        synchronized (look) {
            if (number != lookNumber) return; // an earlier look replaced this one: that one arms the next
            lookArmed = false;
        }
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        for (Held h : held.values()) {
            synchronized (h) {
                if (h.state == State.HELD) next = Math.min(next, h.since + holdNanos - now);
            }
        }
        if (next != Long.MAX_VALUE) armLook(Math.max(0, next));
    }

    /** Looks armed on the timer and not yet run, for tests: one, or two while one replaces another. */
    int looksArmed() {
        return timer.armed();
    }

    /**
     * Commits the held messages that {@code due} picks, {@link #BATCH} at a time, each tried once (one
     * that fails is held again, and looked at again later). One claimed by the finisher meanwhile is
     * left to it.
     */
    private void commit(Predicate<Held> due) {
        synchronized (committing) {
            List<Held> picked = new ArrayList<>();
            for (Held h : held.values()) {
                synchronized (h) {
                    if (h.state == State.HELD && due.test(h)) picked.add(h);
                }
            }
            for (int from = 0; from < picked.size(); from += BATCH) {
                List<Held> batch = new ArrayList<>(BATCH);
                for (Held h : picked.subList(from, Math.min(from + BATCH, picked.size()))) {
                    synchronized (h) {
                        if (h.state != State.HELD) continue;
                        h.state = State.COMMITTING;
                        batch.add(h);
                    }
                }
                commitBatch(batch);
            }
        }
    }

    private void commitBatch(List<Held> batch) {
        if (batch.isEmpty()) return;
        boolean[] committed = new boolean[batch.size()];
        try {
            commit(batch, committed);
        } catch (Cleaner.Lost e) {
            events.add(new Event.CleanLost());
        } finally {
            for (int i = 0; i < batch.size(); i++) settle(batch.get(i), committed[i]);
        }
    }

    /** After a commit: gone from the held ones (todo/N is removed), or held again to be retried later. */
    private void settle(Held h, boolean committed) {
        long id = h.prepared.id();
        synchronized (h) {
            if (committed) {
                h.state = State.COMMITTED;
                held.remove(id);
            } else {
                // tried again after qmail's pause for system failures (the next look finds it due then)
                h.state = State.HELD;
                h.since = System.nanoTime() + TimeUnit.SECONDS.toNanos(Send.SLEEP_SYSFAIL) - holdNanos;
            }
            h.notifyAll();
        }
    }

    /**
     * Makes the batch's files and directory entries durable, then removes todo/N for each
     * (qmail-clean); {@code committed[i]} tells which todo/N is gone.
     */
    private void commit(List<Held> batch, boolean[] committed) throws Cleaner.Lost {
        // The fsyncs of a batch run side by side: a journaling file system folds concurrent fsyncs into
        // one commit (jbd2 on ext4), where one after the other each waits for a commit of its own. A
        // batch of one message is forced here, in this thread: handing its fsyncs to the pool and
        // waiting for them costs more context switches than they take.
        boolean inline = batch.size() == 1;
        List<Future<Boolean>> forced = new ArrayList<>(batch.size());
        for (Held h : batch) forced.add(run(inline, () -> h.prepared.force(log)));
        List<Integer> ok = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) if (done(forced.get(i))) ok.add(i);
        if (ok.isEmpty()) return;
        Set<Path> dirs = new LinkedHashSet<>();
        for (int i : ok) for (Path f : batch.get(i).prepared.files()) dirs.add(f.getParent());
        List<Future<Boolean>> synced = new ArrayList<>(dirs.size());
        for (Path d : dirs) {
            synced.add(run(inline, () -> {
                try {
                    DurableFiles.syncDirectory(d);
                    return true;
                } catch (IOException e) {
                    log.warning("trouble fsyncing " + queue.queue().relativize(d) + "; will try again later");
                    return false;
                }
            }));
        }
        boolean allSynced = true;
        for (Future<Boolean> f : synced) allSynced &= done(f);
        // qmail assumes synchronous directories; without the sync a crash could lose the new files
        // after todo/ is gone, so the batch stays in todo/ to be tried again
        if (!allSynced) return;
        List<String> names = new ArrayList<>(ok.size());
        for (int i : ok) names.add("todo/" + batch.get(i).prepared.id());
        byte[] answers = cleaner.clean(names);
        for (int k = 0; k < answers.length; k++) {
            if (answers[k] == '+') {
                committed[ok.get(k)] = true;
            } else {
                log.warning("qmail-clean unable to clean up " + names.get(k));
            }
        }
    }

    private static boolean done(Future<Boolean> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false;
        }
    }

    /** {@code task} in the fsync pool, or done already in this thread when {@code here}. */
    private static Future<Boolean> run(boolean here, Callable<Boolean> task) {
        if (!here) return FSYNC.submit(task);
        try {
            return CompletableFuture.completedFuture(task.call());
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
