package org.jqmail.fsck;

import java.io.IOException;
import java.nio.file.Path;

/** One run over a queue: the tree, then every message file, then the invariants between them. */
final class Fsck {
    /** qmail-queue's DEATH: no injection lives longer. */
    static final long DAY_MILLIS = 86_400_000L;

    private Fsck() {}

    /** Checks (and with {@code repair}, mends) the queue at {@code queue}; the findings go to {@code report}. */
    static void run(Path queue, Owners owners, Report report, boolean repair, long now, long orphanAgeMillis)
            throws IOException {
        new TreeCheck(queue, owners, report, repair).run();
        QueueScan scan = new QueueScan(queue, owners, report, repair);
        scan.run();
        new MessageCheck(scan, report, repair, now, orphanAgeMillis).run();
    }
}
