package org.jqmail.send;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import org.jqmail.common.QueueLayout;

/**
 * The todo thread: scans todo/ whenever the trigger is pulled, and at least every {@link #SLEEP_TODO}
 * seconds, preprocessing each message ({@link Todo}) while the event loop goes on delivering.
 * <p>
 * This is the cure for the "silly qmail syndrome" (notqmail GH#104, the ext-todo patch): qmail-send does
 * its todo work in the loop that also starts deliveries, one fsync-bound message per turn, so at high
 * injection rates either the delivery slots go idle or todo/ grows without bound. Here todo work has its
 * own thread. A message of one recipient is posted to the loop as soon as its files are written, and
 * {@link Commits} makes them durable only if it is still queued after a hold; one of several is
 * committed first, group-committed with the others of the scan.
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
    /** How long the todo thread gathers messages it commits itself before it commits them. */
    static final long BATCH_MILLIS = 20;

    private final QueueLayout queue;
    private final Todo todo;
    private final Commits commits;
    private final Log log;
    private final BlockingQueue<Event> events;
    private final Thread thread;
    /** Set by {@link #start}; null when there is no FIFO or reading it failed (then: sleep). */
    private volatile Trigger trigger;
    private volatile boolean stop;
    /** {@link #CHECK_TRIGGER_SECONDS} in milliseconds; shorter in tests. */
    long checkTriggerMillis = CHECK_TRIGGER_SECONDS * 1000;

    TodoScan(QueueLayout queue, Todo todo, Commits commits, Log log, BlockingQueue<Event> events) {
        this.queue = queue;
        this.todo = todo;
        this.commits = commits;
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

    /**
     * One pass over todo/: each message not held already is preprocessed, held ({@link Commits}) and
     * posted to the loop, which delivers it at once. Messages of several recipients, and any while
     * the deliveries are behind ({@link Commits#full}), are committed first, in batches of up to
     * {@link Commits#BATCH} or {@link #BATCH_MILLIS}, and posted after.
     */
    void scan() {
        List<Todo.Prepared> batch = new ArrayList<>();
        long started = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(queue.queue().resolve("todo"))) {
            for (Path p : dir) {
                if (stop) break;
                long id = QueueLayout.parseNumber(p.getFileName().toString());
                if (id <= 0 || commits.holds(id)) continue;
                Todo.Prepared prepared = todo.prepare(id);
                if (prepared == null) continue;
                boolean full = commits.full();
                commits.hold(prepared); // before the loop can finish it: the finisher claims it from there
                if (prepared.recipients() <= 1 && !full) {
                    post(prepared);
                    continue;
                }
                if (batch.isEmpty()) started = System.nanoTime();
                batch.add(prepared);
                if (batch.size() >= Commits.BATCH || System.nanoTime() - started > BATCH_MILLIS * 1_000_000) {
                    commitAndPost(batch);
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            log.warning("unable to read todo; will try again later");
        }
        commitAndPost(batch);
    }

    private void commitAndPost(List<Todo.Prepared> batch) {
        if (batch.isEmpty()) return;
        Set<Long> ids = new HashSet<>();
        for (Todo.Prepared p : batch) ids.add(p.id());
        commits.commitNow(ids);
        for (Todo.Prepared p : batch) post(p);
        batch.clear();
    }

    private void post(Todo.Prepared p) {
        events.add(new Event.Preprocessed(p.id(), p.local(), p.remote()));
    }
}
