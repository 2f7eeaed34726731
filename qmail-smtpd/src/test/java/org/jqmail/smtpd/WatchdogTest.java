package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WatchdogTest {
    @Test
    void aReadThatWaitsTooLongFires() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        boolean[] reading = new boolean[1];
        Watchdog dog = new Watchdog(1, r -> {
            reading[0] = r;
            fired.countDown();
        });
        PipedOutputStream client = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(client);
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                dog.input(in).read(new byte[10], 0, 10);
            } catch (java.io.IOException ignored) {
                // closed below
            }
        });
        assertTrue(fired.await(10, TimeUnit.SECONDS));
        assertTrue(reading[0]);
        assertTrue(dog.fired());
        client.close();
        t.join();
    }

    @Test
    void readsThatFinishInTimeNeverFire() throws Exception {
        Watchdog dog = new Watchdog(1, r -> {
            throw new AssertionError("fired");
        });
        var in = dog.input(new ByteArrayInputStream(new byte[3000]));
        for (int i = 0; i < 3; i++) {
            assertEquals(1000, in.read(new byte[1000], 0, 1000));
            Thread.sleep(500);
        }
        Thread.sleep(700);
        assertFalse(dog.fired(), "the time between reads is the server's own, not the client's");
    }
}
