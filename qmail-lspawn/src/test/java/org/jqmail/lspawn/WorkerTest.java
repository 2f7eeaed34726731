package org.jqmail.lspawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.jqmail.common.CdbWriter;
import org.jqmail.spawn.IdentityPrefix;
import org.jqmail.spawn.Report;
import org.jqmail.spawn.SpawnLoop;
import org.jqmail.spawn.SpawnRequest;
import org.jqmail.spawn.Spawner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real qmail-local workers (qmail-local --worker in their own JVMs, started by a {@link WorkerPool})
 * against real qmail-local command lines, through the same {@link LocalDelivery} and spawn loop: the
 * same requests must give the same reports and the same mailbox bytes. No identity change (the test
 * runs as whoever runs it); users/cdb says uid 4242 so that qmail-lspawn does not refuse the delivery
 * as root's, and the pool keys its worker by that.
 */
class WorkerTest {
    static final Spawner SPAWNER = Spawner.create();
    static final int UID = 4242;
    static final int OTHER = 4243;
    static final String MESSAGE = "Subject: hi\nFrom: alice@example.net\n\nFrom here on\nbody\n";

    @TempDir
    Path tmp;
    Path home;
    int queueOwner;
    WorkerPool pool;

    @BeforeEach
    void setUp() throws IOException {
        Path mess = Files.createDirectories(tmp.resolve("mess/0"));
        Files.writeString(mess.resolve("23"), MESSAGE);
        Files.setPosixFilePermissions(mess.resolve("23"), PosixFilePermissions.fromString("rw-r--r--"));
        queueOwner = (Integer) Files.getAttribute(mess.resolve("23"), "unix:uid");
        Files.createDirectories(tmp.resolve("root/control"));
        home = Files.createDirectory(tmp.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        for (String d : new String[] {"tmp", "new", "cur"}) Files.createDirectories(home.resolve("Maildir").resolve(d));
        dot(".qmail-box", "./Maildir/\n");
        dot(".qmail-prog", "./Maildir/\n|echo \"to $LOCAL ext $EXT\"; echo oops >&2\n");
        dot(".qmail-fail", "|echo no such thing; exit 100\n");
        dot(".qmail-mbox", "./Mailbox\n");
        dot(".qmail-slow", "|echo $$ > started; exec sleep 60\n");
        // The launcher both ways use: the test's own class path, which holds qmail-local and its libraries.
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path launcher = tmp.resolve("qmail-local");
        Files.writeString(launcher, "#!/bin/sh\nexec " + java + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
            + " -XX:-UsePerfData --enable-native-access=ALL-UNNAMED -Djqmail.root=" + tmp.resolve("root")
            + " -cp " + System.getProperty("java.class.path") + " org.jqmail.local.Main \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        try (FileChannel ch = FileChannel.open(tmp.resolve("cdb"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            CdbWriter w = new CdbWriter(ch);
            w.add(new byte[0], b("-"));
            w.add(b("!joe-"), b("joe\0" + UID + "\0" + UID + "\0" + home + "\0-\0"));
            w.add(b("!ann-"), b("ann\0" + OTHER + "\0" + OTHER + "\0" + home + "\0-\0"));
            w.finish();
        }
    }

    @AfterEach
    void stopWorkers() {
        if (pool != null) pool.closeAll();
    }

    private void dot(String name, String content) throws IOException {
        Path p = home.resolve(name);
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private LocalDelivery delivery(WorkerPool workers) {
        List<byte[]> env = List.of(b("PATH=/usr/bin:/bin"));
        Getpw getpw = new Getpw(SPAWNER, tmp.resolve("no-qmail-getpw"), IdentityPrefix.NONE, 0, 0, env, 0);
        return new LocalDelivery(SPAWNER, tmp.resolve("qmail-local"), IdentityPrefix.NONE,
            new UsersCdb(tmp.resolve("cdb")), getpw, b("./Maildir/"), env, workers);
    }

    private WorkerPool pool(int max) {
        pool = new WorkerPool(SPAWNER, IdentityPrefix.NONE, tmp.resolve("qmail-local"),
            List.of(b("PATH=/usr/bin:/bin")), max, 600_000);
        return pool;
    }

    /** Runs the spawn loop over {@code requests}; the reports by slot. */
    private Map<Integer, String> run(LocalDelivery d, String requests) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SpawnLoop(SPAWNER, tmp.resolve("mess"), queueOwner, d, out).run(new java.io.ByteArrayInputStream(b(requests)));
        byte[] r = out.toByteArray();
        Map<Integer, String> reports = new TreeMap<>();
        int start = 1;
        for (int i = start + 1; i < r.length; i++) {
            if (r[i] == 0) {
                reports.put(r[start] & 0xff, new String(r, start + 1, i - start - 1, StandardCharsets.ISO_8859_1));
                start = i + 1;
                i = start;
            }
        }
        return reports;
    }

    private static String req(int slot, String rcpt) {
        return (char) slot + "0/23\0alice@example.net\0" + rcpt + "\0";
    }

    /** Every file in the Maildir's new/, by content (names differ), and the mbox. */
    private List<String> mailboxes() throws IOException {
        List<String> all = new ArrayList<>();
        try (var files = Files.list(home.resolve("Maildir/new"))) {
            for (Path p : (Iterable<Path>) files::iterator) all.add(Files.readString(p, StandardCharsets.ISO_8859_1));
        }
        all.sort(null);
        Path mbox = home.resolve("Mailbox");
        if (Files.exists(mbox)) all.add(Files.readString(mbox, StandardCharsets.ISO_8859_1).replaceAll("(?m)^From alice@example.net .*$", "From alice@example.net DATE"));
        return all;
    }

    private void emptyMailboxes() throws IOException {
        try (var files = Files.list(home.resolve("Maildir/new"))) {
            for (Path p : (Iterable<Path>) files::iterator) Files.delete(p);
        }
        Files.deleteIfExists(home.resolve("Mailbox"));
    }

    @Test
    void concurrentWorkerDeliveriesEqualTheCommandLines() throws Exception {
        StringBuilder requests = new StringBuilder();
        int slot = 0;
        for (int i = 0; i < 6; i++) requests.append(req(slot++, "joe-box@example.com"));
        for (int i = 0; i < 3; i++) requests.append(req(slot++, "joe-prog@example.com"));
        for (int i = 0; i < 3; i++) requests.append(req(slot++, "joe-mbox@example.com"));
        requests.append(req(slot++, "joe-fail@example.com"));
        requests.append(req(slot++, "joe-nobox@example.com"));

        Map<Integer, String> classic = run(delivery(null), requests.toString());
        List<String> classicMail = mailboxes();
        emptyMailboxes();
        Map<Integer, String> warm = run(delivery(pool(4)), requests.toString());
        List<String> warmMail = mailboxes();

        assertEquals(slot, classic.size());
        assertEquals("Kdid 1+0+0\n", classic.get(0));
        assertEquals("Kto joe-prog ext prog\noops\ndid 1+0+1\n", classic.get(6));
        assertEquals("Dno such thing\n", classic.get(12));
        assertEquals("DSorry, no mailbox here by that name. (#5.1.1)\n", classic.get(13));
        assertEquals(classic, warm);
        assertEquals(9 + 1, classicMail.size());
        assertEquals(classicMail, warmMail);
        try (var files = Files.list(home.resolve("Maildir/new"))) {
            assertTrue(files.allMatch(p -> p.getFileName().toString().matches("[0-9]+\\.M[0-9]+P[0-9]+Q[0-9]+\\..+")),
                "worker maildir names carry the delivery count");
        }
        LocalWorker w = pool.worker(UID, UID);
        assertNotNull(w, "one worker served them all");
        assertEquals(1, pool.size());
    }

    @Test
    void aKilledWorkerGivesTemporaryFailuresAndIsReplaced() throws Exception {
        LocalDelivery d = delivery(pool(4));
        CompletableFuture<Report> slow = deliverAsync(d, "joe-slow@example.com");
        Path started = home.resolve("started");
        for (int i = 0; i < 600 && !(Files.exists(started) && Files.size(started) > 0); i++) Thread.sleep(100);
        long program = Long.parseLong(Files.readString(started).strip());
        LocalWorker first = pool.worker(UID, UID);
        assertNotNull(first);
        ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
        assertEquals("Zqmail-local crashed.\n", slow.get().toString());
        ProcessHandle.of(program).ifPresent(ProcessHandle::destroyForcibly);

        assertEquals("Kdid 1+0+0\n", deliverAsync(d, "joe-box@example.com").get().toString());
        LocalWorker second = pool.worker(UID, UID);
        assertNotNull(second);
        assertNotEquals(first.pid(), second.pid(), "a fresh worker");
    }

    @Test
    void atTheCapWithNoneIdleTheClassicWayDelivers() throws Exception {
        LocalDelivery d = delivery(pool(1));
        CompletableFuture<Report> slow = deliverAsync(d, "joe-slow@example.com");
        Path started = home.resolve("started");
        for (int i = 0; i < 600 && !(Files.exists(started) && Files.size(started) > 0); i++) Thread.sleep(100);
        assertEquals("Kdid 1+0+0\n", deliverAsync(d, "ann-box@example.com").get().toString());
        assertEquals(1, pool.size());
        assertEquals(null, pool.worker(OTHER, OTHER), "ann's delivery ran the classic way");
        ProcessHandle.of(Long.parseLong(Files.readString(started).strip())).ifPresent(ProcessHandle::destroyForcibly);
        assertTrue(slow.get().toString().startsWith("Z"), "the killed program: temporary");
    }

    @Test
    void anIdleWorkerMakesRoomAtTheCapAndStopsWhenIdle() throws Exception {
        LocalDelivery d = delivery(pool(1));
        assertEquals("Kdid 1+0+0\n", deliverAsync(d, "joe-box@example.com").get().toString());
        LocalWorker joe = pool.worker(UID, UID);
        assertNotNull(joe);
        assertEquals("Kdid 1+0+0\n", deliverAsync(d, "ann-box@example.com").get().toString());
        assertNotNull(pool.worker(OTHER, OTHER));
        assertEquals(null, pool.worker(UID, UID), "joe's idle worker made room");
        waitUntilGone(joe.pid());

        pool.closeAll();
        pool = new WorkerPool(SPAWNER, IdentityPrefix.NONE, tmp.resolve("qmail-local"), List.of(b("PATH=/usr/bin:/bin")),
            4, 50);
        assertEquals("Kdid 1+0+0\n", deliverAsync(delivery(pool), "joe-box@example.com").get().toString());
        LocalWorker w = pool.worker(UID, UID);
        if (w != null) waitUntilGone(w.pid()); // else stopped already
        for (int i = 0; i < 600 && pool.size() > 0; i++) Thread.sleep(50);
        assertEquals(0, pool.size(), "stopped after its idle time");
    }

    private static void waitUntilGone(long pid) throws InterruptedException {
        for (int i = 0; i < 600 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) Thread.sleep(50);
        assertTrue(ProcessHandle.of(pid).isEmpty(), "worker " + pid + " killed and reaped");
    }

    @Test
    void aWorldUnreadableMessageGoesTheClassicWay() throws Exception {
        Files.setPosixFilePermissions(tmp.resolve("mess/0/23"), PosixFilePermissions.fromString("rw-------"));
        Map<Integer, String> r = run(delivery(pool(4)), req(0, "joe-box@example.com"));
        assertEquals("Kdid 1+0+0\n", r.get(0));
        assertEquals(0, pool.size(), "no worker was started");
    }

    @Test
    void workersOff() throws Exception {
        Files.writeString(tmp.resolve("root/control/localworkers"), "0\n");
        assertEquals(0, Main.localWorkers(tmp.resolve("root")));
        Files.writeString(tmp.resolve("root/control/localworkers"), "lots\n");
        assertEquals(0, Main.localWorkers(tmp.resolve("root")), "not a number: off, with a warning");
        Files.delete(tmp.resolve("root/control/localworkers"));
        assertEquals(Main.DEFAULT_WORKERS, Main.localWorkers(tmp.resolve("root")));
    }

    private CompletableFuture<Report> deliverAsync(LocalDelivery d, String rcpt) throws IOException {
        int fd = SPAWNER.openRead(tmp.resolve("mess/0/23"));
        SpawnRequest r = new SpawnRequest(0, b("0/23"), b("alice@example.net"), b(rcpt), false);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return d.deliver(r, fd, SpawnLoop.lastAt(r.recipient()));
            } finally {
                SPAWNER.close(fd);
            }
        });
    }
}
