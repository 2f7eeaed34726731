package org.jqmail.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jqmail.tcpto.TcptoTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * queue/lock/tcpto written by many deliveries of one JVM at once: through one {@link LockedTcpto} no
 * update is lost (the JDK's file lock alone throws OverlappingFileLockException at a second thread,
 * which the table takes as "no table").
 */
class LockedTcptoTest {
    @TempDir Path dir;

    @Test
    void concurrentTimeoutsAreAllRecorded() throws Exception {
        Path file = Files.write(dir.resolve("tcpto"), new byte[TcptoTable.SIZE]);
        LockedTcpto tcpto = new LockedTcpto(new TcptoTable(file));
        int threads = 24;
        int rounds = 3;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Inet4Address ip = (Inet4Address) Harness.addr("192.0.2." + (i + 1));
            all.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                // three timeouts more than RECOUNT_SECONDS apart: each one counts
                for (int r = 0; r < rounds; r++) {
                    tcpto.record(ip, true, 1_000_000 + 200L * r);
                    tcpto.skip(ip, 1_000_000 + 200L * r, 7);
                }
            }));
        }
        go.countDown();
        for (Thread t : all) t.join();
        List<TcptoTable.Entry> entries = new TcptoTable(file).entries();
        assertEquals(threads, entries.size(), entries.toString());
        for (TcptoTable.Entry e : entries) assertEquals(rounds, e.count(), e.address());
        Inet4Address first = (Inet4Address) Harness.addr("192.0.2.1");
        assertTrue(tcpto.skip(first, 1_000_400 + 10, 7), "two timeouts or more, the last recent: skipped");
        tcpto.record(first, false, 1_000_500);
        assertEquals(false, tcpto.skip(first, 1_000_500, 7), "a connection clears it");
    }
}
