package org.jqmail.send;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jqmail.common.DurableFiles;
import org.jqmail.common.QueueLayout;

/**
 * The todo thread: scans todo/ whenever the trigger is pulled, and at least every {@link #SLEEP_TODO}
 * seconds, preprocessing each message ({@link Todo}) while the event loop goes on delivering.
 * <p>
 * This is the cure for the "silly qmail syndrome" (notqmail GH#104, the ext-todo patch): qmail-send does
 * its todo work in the loop that also starts deliveries, one fsync-bound message per turn, so at high
 * injection rates either the delivery slots go idle or todo/ grows without bound. Here todo work has its
 * own thread, and it is group-committed: up to {@link #BATCH} messages are written, then all their files
 * are forced, the directories they touched are synced once, and their todo/N removals go to qmail-clean in one pipelined
 * exchange. A batch is also closed after {@link #BATCH_MILLIS} so the first messages of a burst are not
 * held back. Each message is posted to the loop as soon as its todo/N is gone.
 * <p>
 * The thread waits for the next pull in the trigger FIFO itself ({@link Trigger}): a thread of its own
 * reading the FIFO and waking this one cost a wake-up per message. Without a FIFO it
 * scans every {@link #SLEEP_TODO} seconds, as qmail does. An alarm thread pokes it for that scan, and
 * looks every {@link #CHECK_TRIGGER_SECONDS} seconds whether lock/trigger has been made again: then
 * the todo thread opens the new FIFO and scans (qmail would stay deaf to the new one).
 */
final class TodoScan implements Runnable {
    static final long SLEEP_TODO = 1500;
    /** How often the alarm thread looks whether lock/trigger is still the FIFO held open (one stat). */
    static final long CHECK_TRIGGER_SECONDS = 60;
    static final int BATCH = 64;
    static final long BATCH_MILLIS = 20;
    /** Threads that fsync a batch's files and directories concurrently. */
    private static final int FSYNC_THREADS = 16;
    private static final ExecutorService FSYNC = Executors.newFixedThreadPool(FSYNC_THREADS, r -> {
        Thread t = new Thread(r, "qmail-send fsync");
        t.setDaemon(true);
        return t;
    });

    private final QueueLayout queue;
    private final Todo todo;
    private final Cleaner cleaner;
    private final Log log;
    private final BlockingQueue<Event> events;
    private final Thread thread;
    /** Set by {@link #start}; null when there is no FIFO or reading it failed (then: sleep). */
    private volatile Trigger trigger;
    private volatile boolean stop;
    /** {@link #CHECK_TRIGGER_SECONDS} in milliseconds; shorter in tests. */
    long checkTriggerMillis = CHECK_TRIGGER_SECONDS * 1000;

    TodoScan(QueueLayout queue, Todo todo, Cleaner cleaner, Log log, BlockingQueue<Event> events) {
        this.queue = queue;
        this.todo = todo;
        this.cleaner = cleaner;
        this.log = log;
        this.events = events;
        this.thread = new Thread(this, "qmail-send todo");
        thread.setDaemon(true);
    }

    /** Opens lock/trigger and starts the thread; without the FIFO, todo/ is scanned every {@link #SLEEP_TODO} s. */
    void start() {
        trigger = Trigger.open(queue.trigger());
        if (trigger == null) {
            log.warning("unable to open lock/trigger; todo/ will be scanned every 1500 seconds");
        } else {
            Thread alarm = new Thread(this::alarm, "qmail-send todo alarm");
            alarm.setDaemon(true);
            alarm.start();
        }
        thread.start();
    }

    /** Finish the message in hand and stop; waits at most {@code millis}. */
    void stop(long millis) throws InterruptedException {
        stop = true;
        poke();
        synchronized (this) {
            notifyAll();
        }
        thread.join(millis);
    }

    @Override
    public void run() {
        try {
            scan(); // once at start, as qmail
            while (!stop) {
                awaitPull();
                if (!stop) scan();
            }
        } catch (Cleaner.Lost e) {
            events.add(new Event.CleanLost());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeTrigger();
        }
    }

    /** Until the trigger is pulled, or for {@link #SLEEP_TODO} seconds when there is no trigger. */
    private void awaitPull() throws InterruptedException {
        Trigger t = trigger;
        if (t != null) {
            try {
                t.await();
                if (t.replaced()) reopenTrigger(t);
                return;
            } catch (IOException e) {
                log.warning("trouble reading lock/trigger; todo/ will be scanned every 1500 seconds");
                closeTrigger();
            }
        }
        synchronized (this) {
            long until = System.nanoTime() + SLEEP_TODO * 1_000_000_000L;
            while (!stop) {
                long left = until - System.nanoTime();
                if (left <= 0) break;
                wait(left / 1_000_000 + 1);
            }
        }
    }

    /**
     * The alarm thread: qmail's scan every {@link #SLEEP_TODO} seconds, also when no trigger was pulled,
     * and a poke as soon as lock/trigger has been made again, so that the todo thread opens it. Ends
     * when the todo thread has no FIFO any more (it then sleeps by itself).
     */
    private void alarm() {
        long sinceScan = 0;
        try {
            while (!stop) {
                Thread.sleep(checkTriggerMillis);
                sinceScan += checkTriggerMillis;
                Trigger t = trigger;
                if (t == null) return;
                if (sinceScan >= SLEEP_TODO * 1000 || t.replaced()) {
                    sinceScan = 0;
                    poke();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The todo thread's switch to a new lock/trigger; without one, it scans every 1500 seconds. */
    private void reopenTrigger(Trigger old) {
        Trigger fresh = Trigger.open(queue.trigger());
        trigger = fresh;
        try {
            old.close();
        } catch (IOException e) {
            // a FIFO nobody pulls any more
        }
        if (fresh == null) {
            log.warning("unable to open lock/trigger; todo/ will be scanned every 1500 seconds");
        } else {
            log.warning("lock/trigger was made again; reading the new one");
        }
    }

    private void poke() {
        Trigger t = trigger;
        if (t == null) return;
        try {
            t.poke();
        } catch (IOException e) {
            // closed meanwhile (the todo thread fell back to sleeping, or stopped): nobody waits in it
        }
    }

    private void closeTrigger() {
        Trigger t = trigger;
        trigger = null;
        if (t == null) return;
        try {
            t.close();
        } catch (IOException e) {
            // nothing written through it is lost: a pull is only a hint to scan now
        }
    }

    /** One pass over todo/. */
    void scan() throws Cleaner.Lost {
        List<Todo.Prepared> batch = new ArrayList<>();
        long started = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(queue.queue().resolve("todo"))) {
            for (Path p : dir) {
                if (stop) break;
                long id = QueueLayout.parseNumber(p.getFileName().toString());
                if (id <= 0) continue;
                Todo.Prepared prepared = todo.prepare(id);
                if (prepared == null) continue;
                if (batch.isEmpty()) started = System.nanoTime();
                batch.add(prepared);
                if (batch.size() >= BATCH || System.nanoTime() - started > BATCH_MILLIS * 1_000_000) {
                    commit(batch);
                    batch.clear();
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            if (e instanceof Cleaner.Lost lost) throw lost;
            log.warning("unable to read todo; will try again later");
        }
        commit(batch);
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

    /**
     * Makes the batch's new files and directory entries durable, then removes todo/N for each
     * (qmail-clean); a message whose todo/N is gone is the loop's to deliver.
     */
    void commit(List<Todo.Prepared> batch) throws Cleaner.Lost {
        if (batch.isEmpty()) return;
        try {
            commitForced(batch);
        } finally {
            for (Todo.Prepared p : batch) p.close();
        }
    }

    private void commitForced(List<Todo.Prepared> all) throws Cleaner.Lost {
        // The fsyncs of a batch run side by side: a journaling file system folds concurrent fsyncs into
        // one commit (jbd2 on ext4), where one after the other each waits for a commit of its own. A
        // batch of one message (the usual case below a few hundred messages a second) is forced here,
        // in this thread: handing its four fsyncs to the pool and waiting for them cost more context
        // switches than anything else qmail-send did per message (perf, 4 sessions).
        boolean inline = all.size() == 1;
        List<Future<Boolean>> forced = new ArrayList<>(all.size());
        for (Todo.Prepared p : all) forced.add(run(inline, () -> p.force(log)));
        List<Todo.Prepared> batch = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) if (done(forced.get(i))) batch.add(all.get(i));
        if (batch.isEmpty()) return;
        Set<Path> dirs = new LinkedHashSet<>();
        for (Todo.Prepared p : batch) for (Path d : p.dirs()) dirs.add(d);
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
        // after todo/ is gone, so the batch stays in todo/ for the next scan
        if (!allSynced) return;
        List<String> names = new ArrayList<>(batch.size());
        for (Todo.Prepared p : batch) names.add("todo/" + p.id());
        byte[] answers = cleaner.clean(names);
        for (int i = 0; i < answers.length; i++) {
            Todo.Prepared p = batch.get(i);
            if (answers[i] != '+') {
                log.warning("qmail-clean unable to clean up todo/" + p.id());
                continue;
            }
            events.add(new Event.Preprocessed(p.id(), p.local(), p.remote()));
        }
    }
}
