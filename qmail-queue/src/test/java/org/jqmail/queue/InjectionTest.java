package org.jqmail.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.jqmail.common.Date822;
import org.jqmail.common.EnvelopeReader.EnvelopeException;
import org.jqmail.common.EnvelopeReader.Problem;
import org.jqmail.common.QueueExit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The injection steps in-process, against a temporary queue: what ends up where, and what never does. */
class InjectionTest {
    private static final long PID = 4242;
    private static final long START = 1_700_000_000L; // 14 Nov 2023 22:13:20 UTC
    private static final Invoker INVOKER = new Invoker(1234, "by uid 1234");
    private static final String RECEIVED = "Received: (qmail 4242 invoked by uid 1234); 14 Nov 2023 22:13:20 -0000\n";

    @TempDir
    Path tmp;
    QueueTree q;

    @BeforeEach
    void tree() throws Exception {
        q = new QueueTree(tmp.resolve("root"));
    }

    private long inject(byte[] message, byte[] envelope) throws QueueFailure, EnvelopeException {
        return inject(Channels.newChannel(new ByteArrayInputStream(message)), new ByteArrayInputStream(envelope));
    }

    private long inject(ReadableByteChannel message, InputStream envelope) throws QueueFailure, EnvelopeException {
        return new Injection(q.queue, PID, START, INVOKER).inject(message, envelope);
    }

    /** A message of {@code good} bytes 'a', then EIO. */
    private static ReadableByteChannel brokenAfter(int good) {
        return Channels.newChannel(new InputStream() {
            int n;
            public int read() throws IOException {
                if (n++ < good) return 'a';
                throw new IOException("EIO");
            }
        });
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private int exitOf(byte[] message, byte[] envelope) {
        try {
            inject(message, envelope);
            return 0;
        } catch (QueueFailure f) {
            return f.exitCode();
        } catch (EnvelopeException e) {
            return e.problem() == Problem.TOO_LONG ? 11 : e.problem() == Problem.FORMAT ? 91 : 54;
        }
    }

    /** The buffers are the thread's, reused (InjectionBuffers): nothing of one injection reaches the next. */
    @Test
    void aLongInjectionAndAFailedOneLeaveNothingInTheNextOnesFiles() throws Exception {
        byte[] longBody = bytes("x".repeat(100_000) + "\n");
        StringBuilder many = new StringBuilder("Flong-sender@example.org\0");
        for (int i = 0; i < 200; i++) many.append("Trecipient-").append(i).append("@example.org\0");
        long a = inject(longBody, bytes(many + "\0"));
        assertEquals(RECEIVED.length() + longBody.length, Files.size(q.queue.mess(a)));
        assertEquals(91, exitOf(bytes("y".repeat(50_000)), bytes("Fhalf@example.org\0Tok@example.org\0Xbad\0\0")));
        long b = inject(bytes("short\n"), bytes("Fme@example.org\0Tyou@example.org\0\0"));
        assertEquals(RECEIVED + "short\n", Files.readString(q.queue.mess(b), StandardCharsets.ISO_8859_1));
        assertArrayEquals(bytes("u1234\0p4242\0Fme@example.org\0Tyou@example.org\0"), Files.readAllBytes(q.queue.todo(b)));
    }

    @Test
    void queuesMessAndEnvelopeExactlyAsQmailDoes() throws Exception {
        long n = inject(bytes("Subject: hi\n\nhello\n"), bytes("Fme@example.org\0Tyou@example.org\0Tthem@example.net\0\0"));
        assertEquals(List.of(Long.toString(n)), q.todo());
        assertEquals(List.of(Long.toString(n)), q.intd());
        assertEquals(List.of(n % 23 + "/" + n), q.mess());
        assertEquals(List.of(), q.pid(), "pid file unlinked");
        assertEquals(RECEIVED + "Subject: hi\n\nhello\n", Files.readString(q.queue.mess(n), StandardCharsets.ISO_8859_1));
        assertArrayEquals(bytes("u1234\0p4242\0Fme@example.org\0Tyou@example.org\0Tthem@example.net\0"),
            Files.readAllBytes(q.queue.todo(n)));
        // N is the inode of the mess file; todo/N is a hard link of intd/N
        assertEquals(n, (Long) Files.getAttribute(q.queue.mess(n), "unix:ino"));
        assertEquals(Files.getAttribute(q.queue.intd(n), "unix:ino"), Files.getAttribute(q.queue.todo(n), "unix:ino"));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(q.queue.mess(n))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(q.queue.intd(n))));
    }

    @Test
    void receivedLineFormat() {
        assertEquals(RECEIVED, ReceivedLine.format(PID, INVOKER, START));
        assertEquals("Received: (qmail 1 invoked from network); 1 Jan 1970 00:00:00 -0000\n",
            ReceivedLine.format(1, new Invoker(7, "from network"), 0));
        assertEquals("Received: (qmail 99 invoked for bounce); " + Date822.format(951782400) + "\n",
            ReceivedLine.format(99, new Invoker(7, "for bounce"), 951782400));
        assertEquals("29 Feb 2000 00:00:00 -0000", Date822.format(951782400));
    }

    @Test
    void emptyMessageHoldsJustTheReceivedLine() throws Exception {
        long n = inject(new byte[0], bytes("F\0Tyou@example.org\0\0"));
        assertEquals(RECEIVED, Files.readString(q.queue.mess(n)));
        assertArrayEquals(bytes("u1234\0p4242\0F\0Tyou@example.org\0"), Files.readAllBytes(q.queue.todo(n)));
    }

    @Test
    void noRecipientsIsFine() throws Exception {
        long n = inject(bytes("x\n"), bytes("Fme@example.org\0\0"));
        assertArrayEquals(bytes("u1234\0p4242\0Fme@example.org\0"), Files.readAllBytes(q.queue.todo(n)));
    }

    @Test
    void messageIsEightBitCleanAndByteExact() throws Exception {
        byte[] msg = new byte[300_000];
        for (int i = 0; i < msg.length; i++) msg[i] = (byte) (i * 31 + i / 256);
        long n = inject(msg, bytes("F\0T\u00e9t\u00e9@example.org\0\0"));
        byte[] mess = Files.readAllBytes(q.queue.mess(n));
        assertArrayEquals(msg, Arrays.copyOfRange(mess, RECEIVED.length(), mess.length));
        assertArrayEquals(bytes("u1234\0p4242\0F\0T\u00e9t\u00e9@example.org\0"), Files.readAllBytes(q.queue.todo(n)));
    }

    @Test
    void fiftyMegabytesStreamThroughByteExact() throws Exception {
        long size = 50L * 1024 * 1024;
        // a generated stream: never held in memory here either
        ReadableByteChannel gen = new ReadableByteChannel() {
            long pos;
            public int read(ByteBuffer dst) {
                if (pos == size) return -1;
                int n = (int) Math.min(dst.remaining(), Math.min(size - pos, 7777));
                for (int i = 0; i < n; i++) dst.put((byte) ((pos + i) % 251));
                pos += n;
                return n;
            }
            public boolean isOpen() { return true; }
            public void close() {}
        };
        long n = inject(gen, new ByteArrayInputStream(bytes("Fa@b\0Tc@d\0\0")));
        Path mess = q.queue.mess(n);
        assertEquals(RECEIVED.length() + size, Files.size(mess));
        try (InputStream in = Files.newInputStream(mess)) {
            in.skipNBytes(RECEIVED.length());
            byte[] buf = new byte[65536];
            long pos = 0;
            for (int r; (r = in.read(buf)) > 0; ) {
                for (int i = 0; i < r; i++, pos++) {
                    if (buf[i] != (byte) (pos % 251)) throw new AssertionError("byte " + pos + " differs");
                }
            }
            assertEquals(size, pos);
        }
    }

    @Test
    void hundredThousandRecipients() throws Exception {
        ByteArrayOutputStream env = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        env.writeBytes(bytes("Fme@example.org\0"));
        expected.writeBytes(bytes("u1234\0p4242\0Fme@example.org\0"));
        for (int i = 0; i < 100_000; i++) {
            byte[] r = bytes("Trecipient-" + i + "@example.net\0");
            env.writeBytes(r);
            expected.writeBytes(r);
        }
        env.write(0);
        long n = inject(bytes("m\n"), env.toByteArray());
        byte[] todo = Files.readAllBytes(q.queue.todo(n));
        assertArrayEquals(expected.toByteArray(), todo);
        int records = 0;
        for (byte b : todo) if (b == 0) records++;
        assertEquals(100_003, records, "u, p, F and 100,000 T records");
    }

    @Test
    void addressLengthLimit() throws Exception {
        String ok = "x".repeat(1002);
        long n = inject(bytes("m\n"), bytes("F" + ok + "\0T" + ok + "\0\0"));
        assertArrayEquals(bytes("u1234\0p4242\0F" + ok + "\0T" + ok + "\0"), Files.readAllBytes(q.queue.todo(n)));
        q.root.resolve("queue/todo").resolve(Long.toString(n)).toFile().delete();
        q.queue.intd(n).toFile().delete();
        q.queue.mess(n).toFile().delete();

        String tooLong = "x".repeat(1003);
        assertEquals(11, exitOf(bytes("m\n"), bytes("F" + tooLong + "\0\0")));
        q.assertEmpty();
        assertEquals(11, exitOf(bytes("m\n"), bytes("Fa@b\0Tc@d\0T" + tooLong + "\0\0")));
        q.assertEmpty();
    }

    @Test
    void tenMegabyteAddressIsRefusedAsSoonAsItIsTooLong() throws Exception {
        // the reader stops at byte 1003; the rest is never read, let alone buffered
        long[] consumed = {0};
        InputStream env = new InputStream() {
            final byte[] head = bytes("Fme@a\0T");
            public int read() {
                long i = consumed[0]++;
                if (i < head.length) return head[(int) i];
                return i < head.length + 10L * 1024 * 1024 ? 'x' : 0;
            }
        };
        EnvelopeException e = assertThrows(EnvelopeException.class,
            () -> inject(Channels.newChannel(new ByteArrayInputStream(bytes("m\n"))), env));
        assertEquals(Problem.TOO_LONG, e.problem());
        assertTrue(consumed[0] < 2000, "read " + consumed[0] + " bytes");
        q.assertEmpty();
    }

    @Test
    void envelopeFormatErrors() throws Exception {
        String[] bad = {
            "Xme@a\0Tyou@b\0\0",          // first record not F
            "Tyou@b\0\0",                 // no F at all
            "Fme@a\0Xyou@b\0\0",          // record not T
            "Fme@a\0Tyou@b\0Fagain\0\0",  // a second F
            "Fme@a\0Ty\0u@b\0\0",         // NUL inside an address ends it; "u@b" is no record
            "Fme\0@a\0Tyou@b\0\0",        // the same in the sender
            "\0",                          // a lone NUL
            "F\n\0T\r\0x\0",              // bytes after the last record
        };
        for (String env : bad) {
            assertEquals(91, exitOf(bytes("m\n"), bytes(env)), env.replace('\0', '_'));
            q.assertEmpty();
        }
    }

    @Test
    void nulInsideAnAddressJustEndsTheRecord() throws Exception {
        // "Ty\0" then "Tu@b\0": the NUL ended the first recipient; the next byte started a valid record
        long n = inject(bytes("m\n"), bytes("Fme@a\0Ty\0Tu@b\0\0"));
        assertArrayEquals(bytes("u1234\0p4242\0Fme@a\0Ty\0Tu@b\0"), Files.readAllBytes(q.queue.todo(n)));
    }

    @Test
    void truncatedEnvelopes() throws Exception {
        String[] truncated = {"", "F", "Fme@a", "Fme@a\0", "Fme@a\0Tyou@b", "Fme@a\0Tyou@b\0"};
        for (String env : truncated) {
            assertEquals(54, exitOf(bytes("m\n"), bytes(env)), env.replace('\0', '_'));
            q.assertEmpty();
        }
    }

    @Test
    void hostileBytesAreStoredAsTheyCame() throws Exception {
        // qmail-queue does not judge addresses; CR, LF and 8-bit bytes are copied (qmail-send decides)
        long n = inject(bytes("m"), bytes("F\r\n\u00ff\0T<a@b>\n\0\0"));
        assertArrayEquals(bytes("u1234\0p4242\0F\r\n\u00ff\0T<a@b>\n\0"), Files.readAllBytes(q.queue.todo(n)));
        assertEquals(RECEIVED + "m", Files.readString(q.queue.mess(n)));
    }

    @Test
    void readErrorOnTheMessageIs54AndLeavesNothing() throws Exception {
        ReadableByteChannel broken = brokenAfter(100_000);
        QueueFailure f = assertThrows(QueueFailure.class, () -> inject(broken, new ByteArrayInputStream(bytes("Fa\0\0"))));
        assertEquals(QueueExit.READ_ERROR, f.exitCode());
        q.assertEmpty();
    }

    /** The envelope first: the same two files as the envelope last, the intd sync in another thread. */
    @Test
    void envelopeFirstQueuesTheSameFiles() throws Exception {
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            long n = new Injection(q.queue, PID, START, INVOKER).injectEnvelopeFirst(
                new ByteArrayInputStream(bytes("Fa@b\0Tc@d\0\0")), Channels.newChannel(new ByteArrayInputStream(bytes("m\0\n"))), other);
            assertArrayEquals(bytes("u1234\0p4242\0Fa@b\0Tc@d\0"), Files.readAllBytes(q.queue.todo(n)));
            assertEquals(RECEIVED + "m\0\n", Files.readString(q.queue.mess(n), StandardCharsets.ISO_8859_1));
            assertEquals(List.of(), q.pid());
        } finally {
            other.shutdown();
        }
    }

    /** A sync thread that cannot be had fails the injection (no hang waiting for it), and leaves nothing. */
    @Test
    void envelopeFirstWithoutASyncThreadLeavesNothing() throws Exception {
        java.util.concurrent.Executor none = task -> {
            throw new java.util.concurrent.RejectedExecutionException("no thread");
        };
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> new Injection(q.queue, PID, START, INVOKER)
            .injectEnvelopeFirst(new ByteArrayInputStream(bytes("Fa\0Tb\0\0")), Channels.newChannel(new ByteArrayInputStream(bytes("m"))), none));
        q.assertEmpty();
    }

    /** A message that breaks off after its envelope came first: 54, intd/N and the message both gone. */
    @Test
    void envelopeFirstThenAReadErrorLeavesNothing() throws Exception {
        ReadableByteChannel broken = brokenAfter(100_000);
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            QueueFailure f = assertThrows(QueueFailure.class, () -> new Injection(q.queue, PID, START, INVOKER)
                .injectEnvelopeFirst(new ByteArrayInputStream(bytes("Fa\0Tb\0\0")), broken, other));
            assertEquals(QueueExit.READ_ERROR, f.exitCode());
            q.assertEmpty();
        } finally {
            other.shutdown();
        }
    }

    @Test
    void readErrorOnTheEnvelopeIs54AndLeavesNothing() throws Exception {
        InputStream broken = new InputStream() {
            int n;
            public int read() throws IOException {
                if (n++ < 5) return n == 1 ? 'F' : 'a';
                throw new IOException("EIO");
            }
        };
        EnvelopeException e = assertThrows(EnvelopeException.class,
            () -> inject(Channels.newChannel(new ByteArrayInputStream(bytes("m"))), broken));
        assertEquals(Problem.TRUNCATED, e.problem());
        q.assertEmpty();
    }

    @Test
    void missingPidDirectoryIs63() throws Exception {
        Files.delete(q.queue.pidDir());
        assertEquals(63, exitOf(bytes("m"), bytes("F\0\0")));
    }

    @Test
    void takenPidNamesAre63AfterNineTries() throws Exception {
        for (int seq = 1; seq <= Injection.PID_TRIES; seq++) {
            Files.createFile(q.queue.pidDir().resolve(PID + "." + START + "." + seq));
        }
        assertEquals(63, exitOf(bytes("m"), bytes("F\0\0")));
        assertEquals(Injection.PID_TRIES, q.pid().size(), "other processes' pid files are not ours to remove");
        assertEquals(List.of(), q.mess());
        // the eighth taken, the ninth free: fine
        Files.delete(q.queue.pidDir().resolve(PID + "." + START + "." + Injection.PID_TRIES));
        assertEquals(0, exitOf(bytes("m"), bytes("F\0\0")));
    }

    @Test
    void missingMessDirectoryIs64AndLeavesNoPidFile() throws Exception {
        for (int i = 0; i < 23; i++) Files.delete(q.root.resolve("queue/mess/" + i));
        assertEquals(64, exitOf(bytes("m"), bytes("F\0\0")));
        assertEquals(List.of(), q.pid());
    }

    @Test
    void missingIntdDirectoryIs65AndLeavesNothing() throws Exception {
        Files.delete(q.root.resolve("queue/intd"));
        assertEquals(65, exitOf(bytes("m"), bytes("F\0\0")));
        assertEquals(List.of(), q.mess());
        assertEquals(List.of(), q.pid());
    }

    @Test
    void missingTodoDirectoryIs66AndLeavesNothing() throws Exception {
        Files.delete(q.root.resolve("queue/todo"));
        assertEquals(66, exitOf(bytes("m"), bytes("Fa@b\0Tc@d\0\0")));
        assertEquals(List.of(), q.mess());
        assertEquals(List.of(), q.intd());
        assertEquals(List.of(), q.pid());
    }

    @Test
    void aBugHalfWayStillCleansUp() throws Exception {
        InputStream bug = new InputStream() {
            int n;
            public int read() {
                if (n++ < 3) return "Fa\0".charAt(n - 1);
                throw new IllegalStateException("bug");
            }
        };
        assertThrows(IllegalStateException.class,
            () -> inject(Channels.newChannel(new ByteArrayInputStream(bytes("m"))), bug));
        q.assertEmpty();
    }

    @Test
    void successiveMessagesGetDistinctNumbers() throws Exception {
        long a = inject(bytes("a"), bytes("F\0\0"));
        long b = new Injection(q.queue, PID, START, INVOKER).inject(
            Channels.newChannel(new ByteArrayInputStream(bytes("b"))), new ByteArrayInputStream(bytes("F\0\0")));
        assertTrue(a != b);
        assertEquals(2, q.todo().size());
    }
}
