package org.jqmail.send;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jqmail.common.ControlFile;
import org.jqmail.common.FileProbe;
import org.jqmail.common.QueueLayout;

/**
 * qmail-send's event loop (qmail-send.c main(), PASSES, JOBS, DELIVERIES): one thread owns the whole
 * schedule and never blocks on a file or a process other than for one small read or write.
 * <ul>
 * <li>Per channel a priority queue of messages by next-try time ({@link Prioq}: two longs per message,
 *     however big the queue), a "pass" that reads the channel file of the message at its head one record
 *     at a time, and delivery slots up to the concurrency.
 * <li>A job per message being passed or delivered, at most local + remote concurrency of them: the
 *     memory in use depends on the concurrency, not on the queue.
 * <li>Each {@code T} record read starts one delivery (one recipient per request); a {@code K} or
 *     {@code D} report overwrites that record's {@code T} with {@code D} in place, a {@code D} also
 *     appends to bounce/N; when a pass hits end of file with nothing outstanding the channel file is
 *     removed, and when both are gone the message goes to the {@link Finisher}.
 * <li>A message not done is requeued for {@link Retry#next}; past queuelifetime it is "dying": a
 *     temporary failure becomes permanent.
 * </ul>
 * Todo preprocessing ({@link TodoScan}), message completion and bounces ({@link Finisher}) and the
 * spawner pipes ({@link SpawnLink}) have threads of their own and talk to this loop through
 * {@link Event}s, so neither a burst of injections nor a slow qmail-queue stalls deliveries.
 */
final class Send {
    static final long SLEEP_SYSFAIL = 123;
    static final long SLEEP_FOREVER = 86400;
    /** Records handled per loop turn before events are looked at again. */
    private static final int TURN = 1000;
    static final String DYING = "I'm not going to try again; this message has been in the queue too long.\n";

    /** One message being passed or delivered on one channel (struct job). */
    private static final class Job {
        int refs; // 0: free
        long id;
        int channel;
        long retry;
        String sender;
        int numtodo;
        boolean hiteof;
        boolean dying;
    }

    /** One delivery in progress (struct del). */
    private static final class Delivery {
        boolean used;
        int job;
        long delid;
        long mpos;
        String recipient;
    }

    /** The message whose channel file is being read (struct pass). */
    private static final class Pass {
        long id; // 0: none (no message has inode 0)
        int job;
        InputStream in;
        Records records;
        long mpos;
    }

    private final QueueLayout queue;
    private final ControlFile control;
    private final Log log;
    private final BlockingQueue<Event> events;
    private final SpawnLink[] links;
    private final int[] spawnMax;
    private volatile Controls controls;

    private final Prioq[] pqchan = {new Prioq(), new Prioq()};
    private final Prioq pqdone = new Prioq();
    private final Prioq pqfail = new Prioq();
    private final Job[] jobs;
    private int numjobs;
    private int jobsUsed;
    private final Delivery[][] del = new Delivery[Channel.COUNT][];
    private final int[] concurrency = new int[Channel.COUNT];
    private final int[] used = new int[Channel.COUNT];
    private final Pass[] pass = {new Pass(), new Pass()};
    private final boolean[] alive = {true, true};
    private long masterdelid = 1;
    private boolean exitasap;
    private boolean lostConnection;
    private boolean cleanLost;
    private long recent;

    private Commits commits;
    private TodoScan todoScan;
    private Finisher finisher;

    /** {@code spawnMax}: the slot counts the spawners announced. */
    Send(QueueLayout queue, ControlFile control, Log log, Controls controls, BlockingQueue<Event> events,
            SpawnLink[] links, int[] spawnMax) {
        this.queue = queue;
        this.control = control;
        this.log = log;
        this.controls = controls;
        this.events = events;
        this.links = links;
        this.spawnMax = spawnMax;
        int maxJobs = 0;
        for (int c = 0; c < Channel.COUNT; c++) {
            del[c] = new Delivery[spawnMax[c]];
            for (int i = 0; i < spawnMax[c]; i++) del[c][i] = new Delivery();
            maxJobs += spawnMax[c];
        }
        jobs = new Job[maxJobs];
        for (int j = 0; j < maxJobs; j++) jobs[j] = new Job();
        applyConcurrency();
    }

    Controls controls() {
        return controls;
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** Runs until SIGTERM (or a lost connection) and every delivery in progress has ended; the exit code. */
    int run(Cleaner cleaner, Finisher.Injector injector) throws InterruptedException {
        recent = now();
        pqstart();
        // the todo thread starts only after the scan of info/: a message it finishes meanwhile would
        // otherwise be found by both
        Todo todo = new Todo(queue, log, () -> controls.rewrite());
        commits = new Commits(queue, cleaner, log, events);
        todoScan = new TodoScan(queue, todo, commits, log, events);
        finisher = new Finisher(queue, log, cleaner, commits, this::controls, injector, events);
        status();
        for (SpawnLink l : links) l.start();
        todoScan.start();
        finisher.start();

        // The log is held while the loop works and released while it waits: each turn's lines (the
        // events' results, then the deliveries started) go out in one write (Log).
        log.hold();
        try {
            while (!exitasap || !canExit()) {
                recent = now();
                for (int n = 0; n < TURN && passDo(); n++) recent = now();
                log.release();
                Event e = events.poll(timeoutMillis(), TimeUnit.MILLISECONDS);
                log.hold();
                while (e != null) {
                    handle(e);
                    e = events.poll();
                }
            }
        } finally {
            log.release(); // also when a bug ends the loop: its lines are the ones worth reading
        }
        todoScan.stop(30_000);
        finisher.stop(120_000);
        commits.stop(); // what is still held (deferred, or finishing failed) is committed as qmail would have
        pqfinish();
        log.exiting();
        return lostConnection ? 111 : 0;
    }

    // ------------------------------------------------------------------------------------- events

    void handle(Event e) {
        switch (e) {
            case Event.Report r -> report(r);
            case Event.SpawnLost s -> {
                if (alive[s.channel()]) log.alert("oh no! lost spawn connection! dying...");
                alive[s.channel()] = false;
                exitasap = true;
                lostConnection = true;
            }
            case Event.CleanLost c -> {
                if (!cleanLost) log.alert("oh no! lost qmail-clean connection! dying...");
                cleanLost = true;
                exitasap = true;
                lostConnection = true;
            }
            case Event.Preprocessed p -> {
                long t = now();
                if (p.local()) pqchan[Channel.LOCAL].insert(p.id(), t);
                if (p.remote()) pqchan[Channel.REMOTE].insert(p.id(), t);
                if (!p.local() && !p.remote()) pqdone.insert(p.id(), t);
            }
            case Event.FinishFailed f -> pqdone.insert(f.id(), now() + SLEEP_SYSFAIL);
            case Event.Terminate t -> exitasap = true;
            case Event.RunNow r -> {
                for (Prioq q : pqchan) q.setAll(now());
            }
            case Event.Reread r -> {
                controls = controls.reread(control, log);
                applyConcurrency();
                status();
            }
        }
    }

    private void applyConcurrency() {
        numjobs = 0;
        for (int c = 0; c < Channel.COUNT; c++) {
            concurrency[c] = Math.min(controls.concurrency()[c], spawnMax[c]);
            numjobs += concurrency[c];
        }
    }

    /** del_dochan() for one complete report. */
    private void report(Event.Report r) {
        int c = r.channel();
        if (r.slot() >= del[c].length || !del[c][r.slot()].used) {
            log.warning("internal error: delivery report out of range");
            return;
        }
        Delivery d = del[c][r.slot()];
        Job job = jobs[d.job];
        int letter = r.letter();
        String text = r.text();
        if (letter == 'Z' && job.dying) {
            letter = 'D';
            text = text + DYING;
        }
        switch (letter) {
            case 'K' -> {
                log.success(d.delid, text);
                markDone(c, job.id, d.mpos);
                job.numtodo--;
            }
            case 'Z' -> log.deferral(d.delid, text);
            case 'D' -> {
                log.failure(d.delid, text);
                if (addBounce(job.id, d.recipient, text)) {
                    markDone(c, job.id, d.mpos);
                    job.numtodo--;
                }
            }
            default -> log.mangled(d.delid);
        }
        jobClose(d.job);
        d.used = false;
        d.recipient = null;
        used[c]--;
        status();
    }

    /** addbounce(); false (and the recipient stays to be tried again) if bounce/N cannot be written. */
    private boolean addBounce(long id, String recipient, String report) {
        String shown = controls.rewrite().virtualDomains().stripPrepend(recipient);
        try {
            BounceText.append(queue.bounce(id), BounceText.paragraph(shown, report));
            return true;
        } catch (IOException e) {
            log.alert("unable to append to bounce message; will try again later");
            return false;
        }
    }

    /** Overwrites the T of the record at {@code pos} with D: one byte, in place, as qmail does. */
    private void markDone(int c, long id, long pos) {
        try (FileChannel ch = FileChannel.open(chanPath(id, c), StandardOpenOption.WRITE)) {
            if (ch.write(ByteBuffer.wrap(new byte[] {'D'}), pos) == 1) return;
        } catch (IOException e) {
            // logged below
        }
        log.warning("trouble marking " + Todo.chanName(id, c) + "; message will be delivered twice!");
    }

    // --------------------------------------------------------------------------------------- jobs

    private int jobOpen(long id, int c) {
        for (int j = 0; j < jobs.length; j++) {
            Job job = jobs[j];
            if (job.refs != 0) continue;
            job.refs = 1;
            job.id = id;
            job.channel = c;
            job.numtodo = 0;
            job.hiteof = false;
            jobsUsed++;
            return j;
        }
        throw new IllegalStateException("no free job"); // callers check jobsUsed < numjobs
    }

    /** job_close(): on the last reference, requeue the message, or remove a finished channel file. */
    private void jobClose(int j) {
        Job job = jobs[j];
        if (--job.refs > 0) return;
        jobsUsed--;
        job.sender = null;
        long dt = job.retry;
        if (job.hiteof && job.numtodo == 0) {
            try {
                Files.delete(chanPath(job.id, job.channel));
                for (int c = 0; c < Channel.COUNT; c++) {
                    if (c == job.channel) continue;
                    int e = FileProbe.exists(chanPath(job.id, c));
                    if (e > 0) return; // more channels going
                    if (e < 0) {
                        log.warning("unable to stat " + Todo.chanName(job.id, c));
                        break;
                    }
                }
                pqdone.insert(job.id, now());
                return;
            } catch (IOException e) {
                log.warning("unable to unlink " + Todo.chanName(job.id, job.channel) + "; will try again later");
                dt = now() + SLEEP_SYSFAIL;
            }
        }
        pqchan[job.channel].insert(job.id, dt);
    }

    // ------------------------------------------------------------------------------------ passes

    /** pass_do(): one step on each channel, and the failed/done queues; true if anything happened. */
    private boolean passDo() {
        boolean progress = false;
        for (int c = 0; c < Channel.COUNT; c++) progress |= passChannel(c);
        if (!pqfail.isEmpty() && pqfail.minTime() <= recent) {
            long id = pqfail.minId();
            pqfail.deleteMin();
            pqadd(id);
            progress = true;
        }
        if (!pqdone.isEmpty() && pqdone.minTime() <= recent) {
            long id = pqdone.minId();
            pqdone.deleteMin();
            finisher.finish(id);
            progress = true;
        }
        return progress;
    }

    private boolean delAvail(int c) {
        return alive[c] && used[c] < concurrency[c];
    }

    /** pass_dochan(). */
    private boolean passChannel(int c) {
        if (exitasap) return false;
        Pass ps = pass[c];
        boolean opened = false;
        if (ps.id == 0) {
            if (jobsUsed >= numjobs) return false;
            Prioq pq = pqchan[c];
            if (pq.isEmpty() || pq.minTime() > recent) return false;
            long id = pq.minId();
            pq.deleteMin();
            if (!openPass(c, id)) {
                log.warning("trouble opening " + Todo.chanName(id, c) + "; will try again later");
                pq.insert(id, recent + SLEEP_SYSFAIL);
                return true;
            }
            opened = true;
        }
        if (!delAvail(c)) return opened;
        Job job = jobs[ps.job];
        boolean record;
        try {
            record = ps.records.next();
        } catch (IOException e) {
            log.warning("trouble reading " + Todo.chanName(ps.id, c) + "; will try again later");
            endPass(ps);
            return true;
        }
        if (!record) {
            job.hiteof = true;
            endPass(ps);
            return true;
        }
        switch (ps.records.type()) {
            case 'T' -> {
                job.numtodo++;
                deliveryStart(ps.job, ps.mpos, ps.records.value());
            }
            case 'D' -> { }
            default -> {
                log.warning("unknown record type in " + Todo.chanName(ps.id, c) + "!");
                endPass(ps);
                return true;
            }
        }
        ps.mpos += ps.records.size();
        return true;
    }

    /** Opens the channel file and info/N of message {@code id}; false if either is unusable. */
    private boolean openPass(int c, long id) {
        InputStream in;
        try {
            in = new BufferedInputStream(Files.newInputStream(chanPath(id, c)), 4096);
        } catch (IOException e) {
            return false;
        }
        String sender = Finisher.readSender(queue.info(id));
        long birth;
        try {
            birth = Files.getLastModifiedTime(queue.info(id)).toMillis() / 1000;
        } catch (IOException e) {
            sender = null;
            birth = 0;
        }
        if (sender == null) {
            close(in);
            return false;
        }
        Pass ps = pass[c];
        ps.id = id;
        ps.in = in;
        ps.records = new Records(in);
        ps.mpos = 0;
        ps.job = jobOpen(id, c);
        Job job = jobs[ps.job];
        job.retry = Retry.next(birth, recent, c);
        job.dying = recent > birth + controls.lifetime();
        job.sender = sender;
        return true;
    }

    private void endPass(Pass ps) {
        close(ps.in);
        ps.in = null;
        ps.records = null;
        jobClose(ps.job);
        ps.id = 0;
    }

    /** del_start(): one recipient to the spawner of its channel. */
    private void deliveryStart(int j, long mpos, String recipient) {
        Job job = jobs[j];
        int c = job.channel;
        int i = 0;
        while (del[c][i].used) i++; // delAvail(c) was checked: a free slot below concurrency exists
        Delivery d = del[c][i];
        d.used = true;
        d.job = j;
        d.delid = masterdelid++;
        d.mpos = mpos;
        d.recipient = recipient;
        job.refs++;
        used[c]++;
        links[c].send(i, QueueLayout.split(job.id) + "/" + job.id, senderAdd(job.sender, recipient), recipient);
        log.startingDelivery(d.delid, job.id, c, recipient);
        status();
    }

    /**
     * senderadd(), VERP: a sender {@code prefix@host-@[]} becomes, for recipient {@code box@domain},
     * {@code prefixbox=domain@host}; any other sender is used as it is.
     */
    static String senderAdd(String sender, String recipient) {
        int i = sender.length();
        if (i >= 4 && sender.endsWith("-@[]")) {
            int j = sender.lastIndexOf('@', i - 5);
            int k = recipient.lastIndexOf('@');
            if (j >= 0 && k >= 0 && j + 5 <= i) {
                return sender.substring(0, j) + recipient.substring(0, k) + "=" + recipient.substring(k + 1) + "@"
                    + sender.substring(j + 1, i - 4);
            }
        }
        return sender;
    }

    private boolean canExit() {
        for (int c = 0; c < Channel.COUNT; c++) if (alive[c] && used[c] > 0) return false;
        return true;
    }

    /** How long the loop may wait for an event before something is due (pass_selprep()). */
    private long timeoutMillis() {
        long wake = recent + SLEEP_FOREVER;
        if (!exitasap) {
            for (int c = 0; c < Channel.COUNT; c++) if (pass[c].id != 0 && delAvail(c)) return 0;
            if (jobsUsed < numjobs) {
                for (int c = 0; c < Channel.COUNT; c++) {
                    if (pass[c].id == 0 && !pqchan[c].isEmpty()) wake = Math.min(wake, pqchan[c].minTime());
                }
            }
            if (!pqfail.isEmpty()) wake = Math.min(wake, pqfail.minTime());
            if (!pqdone.isEmpty()) wake = Math.min(wake, pqdone.minTime());
        }
        return Math.max(0, wake * 1000 - System.currentTimeMillis() + 5);
    }

    private void status() {
        log.status(used[0], concurrency[0], used[1], concurrency[1], exitasap);
    }

    // ---------------------------------------------------------------------------- start and end

    /** pqstart(): every message in info/ into the queues, from its files' state and mtimes. */
    private void pqstart() {
        for (int s = 0; s < QueueLayout.SPLIT; s++) {
            Path dir = queue.queue().resolve("info").resolve(Integer.toString(s));
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    long id = QueueLayout.parseNumber(p.getFileName().toString());
                    if (id > 0) pqadd(id);
                }
            } catch (IOException | java.nio.file.DirectoryIteratorException e) {
                log.warning("unable to read info/" + s + "; its messages wait for the next start");
            }
        }
    }

    /** pqadd(). */
    private void pqadd(long id) {
        String failed;
        check:
        {
            int info = FileProbe.exists(queue.info(id));
            if (info == 0) return; // someone yanking our chain
            if (info < 0) { failed = Todo.infoName(id); break check; }
            int todo = FileProbe.exists(queue.todo(id));
            if (todo > 0) return; // todo/ processing crashed before the commit: the todo thread redoes it
            if (todo < 0) { failed = "todo/" + id; break check; }
            long[] dt = new long[Channel.COUNT];
            boolean[] has = new boolean[Channel.COUNT];
            for (int c = 0; c < Channel.COUNT; c++) {
                try {
                    dt[c] = Files.readAttributes(chanPath(id, c), BasicFileAttributes.class).lastModifiedTime()
                        .toMillis() / 1000;
                    has[c] = true;
                } catch (NoSuchFileException e) {
                    has[c] = false;
                } catch (IOException e) {
                    failed = Todo.chanName(id, c);
                    break check;
                }
            }
            for (int c = 0; c < Channel.COUNT; c++) if (has[c]) pqchan[c].insert(id, dt[c]);
            if (!has[0] && !has[1]) pqdone.insert(id, now());
            return;
        }
        log.warning("unable to stat " + failed + "; will try again later");
        pqfail.insert(id, now() + SLEEP_SYSFAIL);
    }

    /** pqfinish(): each queued message's next-try time into its channel file's mtime, for the next start. */
    private void pqfinish() {
        for (int c = 0; c < Channel.COUNT; c++) {
            Prioq q = pqchan[c];
            for (int i = 0; i < q.size(); i++) {
                FileTime t = FileTime.fromMillis(q.timeAt(i) * 1000);
                try {
                    Files.getFileAttributeView(chanPath(q.idAt(i), c), BasicFileAttributeView.class).setTimes(t, t, null);
                } catch (IOException e) {
                    log.warning("unable to utime " + Todo.chanName(q.idAt(i), c) + "; message will be retried too soon");
                }
            }
        }
    }

    private Path chanPath(long id, int c) {
        return c == Channel.LOCAL ? queue.local(id) : queue.remote(id);
    }

    private static void close(InputStream in) {
        try {
            if (in != null) in.close();
        } catch (IOException e) {
            // read-only
        }
    }
}
