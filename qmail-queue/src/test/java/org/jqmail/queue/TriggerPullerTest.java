package org.jqmail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** triggerpull.c's behaviour: one byte when someone reads the FIFO, nothing (and no wait) otherwise. */
class TriggerPullerTest {
    @TempDir
    Path tmp;

    private Path fifo() throws Exception {
        Path f = tmp.resolve("trigger");
        Process p = new ProcessBuilder("mkfifo", f.toString()).start();
        assertEquals(0, p.waitFor());
        return f;
    }

    @Test
    void aReaderGetsOneBytePerPull() throws Exception {
        Path f = fifo();
        // O_RDWR, as qmail-send's own reader never blocks the open; we read what the puller wrote
        try (FileChannel reader = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            TriggerPuller.start(f).pullOnce();
            ByteBuffer b = ByteBuffer.allocate(8);
            assertEquals(1, reader.read(b));
        }
    }

    @Test
    void withNobodyReadingThePullReturnsAtOnce() throws Exception {
        Path f = fifo();
        TriggerPuller.start(f).pullOnce(); // ENXIO, as O_NDELAY promises: would hang here otherwise
        assertTrue(Files.exists(f));
    }

    @Test
    void aMissingFifoIsNoError() {
        TriggerPuller.start(tmp.resolve("none")).pullOnce();
    }

    @Test
    void pullsFromTheThreadReachTheReader() throws Exception {
        Path f = fifo();
        try (FileChannel reader = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            TriggerPuller p = TriggerPuller.start(f);
            p.pull();
            p.pull(); // may share the first one's write
            ByteBuffer b = ByteBuffer.allocate(8);
            int n = reader.read(b); // blocks until the thread has written
            assertTrue(n >= 1 && n <= 2);
        }
    }
}
