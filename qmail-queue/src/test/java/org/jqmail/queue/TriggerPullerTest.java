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
            TriggerPuller p = new TriggerPuller(f);
            p.pull();
            p.pull();
            ByteBuffer b = ByteBuffer.allocate(8);
            assertEquals(2, reader.read(b), "one byte per pull, each written before pull returns");
        }
    }

    @Test
    void withNobodyReadingThePullReturnsAtOnce() throws Exception {
        Path f = fifo();
        new TriggerPuller(f).pull(); // ENXIO, as O_NDELAY promises: would hang here otherwise
        assertTrue(Files.exists(f));
    }

    @Test
    void aMissingFifoIsNoError() {
        new TriggerPuller(tmp.resolve("none")).pull();
    }
}
