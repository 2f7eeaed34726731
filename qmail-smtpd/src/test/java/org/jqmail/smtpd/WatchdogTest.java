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

    private static long watchers() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("timeoutsmtpd")).count();
    }

    @Test
    void aHundredSessionsShareOneWatchingThread() throws Exception {
        java.util.List<Watchdog> dogs = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            dogs.add(new Watchdog(1200, r -> {
                throw new AssertionError("fired");
            }));
        }
        assertEquals(1, watchers(), "qmail-smtpd-server used to start one per connection");
        for (Watchdog d : dogs) d.close();
        assertEquals(1, watchers(), "and it stays for the next connections");
    }

    @Test
    void aShortTimeoutFiresWhileTheWatcherSleepsForALongOne() throws Exception {
        Watchdog patient = new Watchdog(1000, r -> {
            throw new AssertionError("fired");
        });
        CountDownLatch done = new CountDownLatch(1);
        java.io.InputStream waiting = new java.io.InputStream() {
            @Override
            public int read() throws java.io.IOException {
                try {
                    done.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
                return -1;
            }
        };
        Thread slow = Thread.ofVirtual().start(() -> {
            try {
                patient.input(waiting).read();
            } catch (java.io.IOException ignored) {
                // ends below
            }
        });
        Thread.sleep(100); // the watcher now sleeps towards the long deadline
        PipedOutputStream client = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(client);
        CountDownLatch fired = new CountDownLatch(1);
        Watchdog hasty = new Watchdog(1, r -> fired.countDown());
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                hasty.output(new java.io.OutputStream() {
                    @Override
                    public void write(int b) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws java.io.IOException {
                        in.read(); // blocks, as a write to a client that does not read
                    }
                }).write(new byte[1], 0, 1);
            } catch (java.io.IOException ignored) {
                // closed below
            }
        });
        assertTrue(fired.await(10, TimeUnit.SECONDS));
        assertTrue(hasty.fired());
        assertFalse(patient.fired());
        client.close();
        t.join();
        done.countDown();
        slow.join();
        hasty.close();
        patient.close();
    }
}
