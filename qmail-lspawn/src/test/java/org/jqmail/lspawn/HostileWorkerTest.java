package org.jqmail.lspawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jqmail.common.CdbWriter;
import org.jqmail.spawn.IdentityPrefix;
import org.jqmail.spawn.Report;
import org.jqmail.spawn.SpawnLoop;
import org.jqmail.spawn.SpawnRequest;
import org.jqmail.spawn.Spawner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker is the recipient's process, and what it sends is untrusted: whatever it does wrong, every
 * delivery in flight on it is a temporary failure, the worker is killed and reaped, and the pool forgets
 * it. The worker here is {@code org.jqmail.local.HostileWorker}: three deliveries go to it at once, it
 * answers the first one properly and then misbehaves.
 */
class HostileWorkerTest {
    static final Spawner SPAWNER = Spawner.create();
    static final int UID = 4343;

    @TempDir
    Path tmp;
    WorkerPool pool;

    @BeforeEach
    void setUp() throws IOException {
        Path mess = Files.createDirectories(tmp.resolve("mess/0"));
        Files.writeString(mess.resolve("23"), "Subject: hi\n\nbody\n");
        Files.setPosixFilePermissions(mess.resolve("23"), PosixFilePermissions.fromString("rw-r--r--"));
        try (FileChannel ch = FileChannel.open(tmp.resolve("cdb"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            CdbWriter w = new CdbWriter(ch);
            w.add(new byte[0], b("-"));
            w.add(b("!joe\0"), b("joe\0" + UID + "\0" + UID + "\0/nonexistent\0\0\0"));
            w.finish();
        }
    }

    @AfterEach
    void stop() {
        if (pool != null) pool.closeAll();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private LocalDelivery delivery(String mode) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path launcher = tmp.resolve("qmail-local");
        Files.writeString(launcher, "#!/bin/sh\nexec " + java + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
            + " --enable-native-access=ALL-UNNAMED -cp " + System.getProperty("java.class.path")
            + " org.jqmail.local.HostileWorker " + mode + " 3\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        List<byte[]> env = List.of(b("PATH=/usr/bin:/bin"));
        pool = new WorkerPool(SPAWNER, IdentityPrefix.NONE, launcher, env, 2, 600_000);
        Getpw getpw = new Getpw(SPAWNER, tmp.resolve("no-qmail-getpw"), IdentityPrefix.NONE, 0, 0, env, 0);
        return new LocalDelivery(SPAWNER, launcher, IdentityPrefix.NONE, new UsersCdb(tmp.resolve("cdb")), getpw,
            b("./Maildir/"), env, pool);
    }

    @ParameterizedTest
    @ValueSource(strings = {"wrong-id", "again", "short", "oversized", "huge-count", "exit-code", "eof"})
    void everyDeliveryInFlightIsTemporaryAndTheWorkerIsKilled(String mode) throws Exception {
        LocalDelivery d = delivery(mode);
        List<CompletableFuture<Report>> reports = new ArrayList<>();
        reports.add(deliverAsync(d));
        LocalWorker w = null;
        for (int i = 0; i < 600 && w == null; i++) {
            w = pool.worker(UID, UID);
            if (w == null) Thread.sleep(10);
        }
        assertNotNull(w, "a worker was started");
        reports.add(deliverAsync(d));
        reports.add(deliverAsync(d));
        List<String> texts = new ArrayList<>();
        for (CompletableFuture<Report> r : reports) texts.add(r.get().toString());
        texts.sort(null);
        assertEquals(List.of("Kdid 0+0+0\n", "Zqmail-local crashed.\n", "Zqmail-local crashed.\n"), texts);
        assertNull(pool.worker(UID, UID), "the pool forgot it");
        long pid = w.pid();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "killed and reaped");
    }

    private CompletableFuture<Report> deliverAsync(LocalDelivery d) throws IOException {
        int fd = SPAWNER.openRead(tmp.resolve("mess/0/23"));
        SpawnRequest r = new SpawnRequest(0, b("0/23"), b("a@b"), b("joe@example.com"), false);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return d.deliver(r, fd, SpawnLoop.lastAt(r.recipient()));
            } finally {
                SPAWNER.close(fd);
            }
        }, runnable -> Thread.ofPlatform().start(runnable));
    }
}
