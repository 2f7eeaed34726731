package org.jqmail.queue.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.Pipe;
import org.junit.jupiter.api.Test;

class WatchdogTest {
    /** Waits (bounded) for the channel to be closed by the timer; false if it never was. */
    private static boolean closedWithin(Pipe.SourceChannel ch, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (ch.isOpen() && System.nanoTime() < end) Thread.sleep(5);
        return !ch.isOpen();
    }

    @Test
    void aWaitThatLastsTooLongClosesTheChannel() throws IOException, InterruptedException {
        Pipe p = Pipe.open();
        Watchdog dog = new Watchdog(p.source());
        dog.arm(20);
        assertTrue(closedWithin(p.source(), 10_000));
        assertTrue(dog.fired());
        p.sink().close();
    }

    @Test
    void aDisarmedWaitLeavesTheChannelOpen() throws IOException, InterruptedException {
        Pipe p = Pipe.open();
        Watchdog dog = new Watchdog(p.source());
        dog.arm(50);
        dog.disarm();
        assertFalse(closedWithin(p.source(), 300));
        assertFalse(dog.fired());
        dog.stop();
        p.source().close();
        p.sink().close();
    }

    @Test
    void rearmingReplacesTheEarlierDeadline() throws IOException, InterruptedException {
        Pipe p = Pipe.open();
        Watchdog dog = new Watchdog(p.source());
        dog.arm(30);
        dog.arm(60_000); // the first deadline no longer counts
        assertFalse(closedWithin(p.source(), 300));
        dog.stop();
        assertFalse(dog.fired());
        p.source().close();
        p.sink().close();
    }

    @Test
    void aStoppedWatchdogIgnoresLaterArming() throws IOException, InterruptedException {
        Pipe p = Pipe.open();
        Watchdog dog = new Watchdog(p.source());
        dog.stop();
        dog.arm(10);
        assertFalse(closedWithin(p.source(), 200));
        p.source().close();
        p.sink().close();
    }
}
