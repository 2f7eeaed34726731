package org.jqmail.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** spawn.c's half of the spawners: request checks, slots, reports; the worker here only echoes. */
class SpawnLoopTest {
    static final Spawner SPAWNER = Spawner.create();

    @TempDir
    Path tmp;
    int me;

    /** Echoes the sender, the domain (from {@code at}) and the first bytes of the message. */
    final SpawnLoop.Worker echo = (r, fd, at) -> {
        byte[] buf = new byte[5];
        int n;
        try {
            n = SPAWNER.read(fd, buf);
        } catch (IOException e) {
            return Report.temporary("read failed");
        }
        String rcpt = new String(r.recipient(), StandardCharsets.ISO_8859_1);
        return Report.success((new String(r.sender(), StandardCharsets.ISO_8859_1) + "|" + rcpt.substring(at + 1) + "|"
            + new String(buf, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1));
    };

    @BeforeEach
    void setUp() throws IOException {
        Path mess = Files.createDirectories(tmp.resolve("mess/0"));
        Files.writeString(mess.resolve("23"), "Subject: hi\n\nbody\n");
        Files.createDirectories(mess.resolve("7")); // a directory where a message should be
        me = (Integer) Files.getAttribute(mess.resolve("23"), "unix:uid");
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String req(int slot, String messid, String sender, String rcpt) {
        return (char) slot + messid + "\0" + sender + "\0" + rcpt + "\0";
    }

    private Map<Integer, String> run(int owner, SpawnLoop.Worker w, InputStream requests) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SpawnLoop(SPAWNER, tmp.resolve("mess"), owner, w, out).run(requests);
        return reports(out.toByteArray());
    }

    private Map<Integer, String> run(String requests) throws Exception {
        return run(me, echo, new ByteArrayInputStream(b(requests)));
    }

    /** The hello byte, then reports: a slot byte (which may be 0), the text, NUL. */
    static Map<Integer, String> reports(byte[] r) {
        assertEquals(SpawnLoop.SLOTS, r[0] & 0xff, "hello byte");
        Map<Integer, String> reports = new HashMap<>();
        int start = 1;
        for (int i = start + 1; i < r.length; i++) {
            if (r[i] == 0) {
                reports.put(r[start] & 0xff, new String(r, start + 1, i - start - 1, StandardCharsets.ISO_8859_1));
                start = i + 1;
                i = start;
            }
        }
        assertEquals(r.length, start, "every report ends with NUL");
        return reports;
    }

    @Test
    void anAcceptedRequestReachesTheWorkerWithTheMessageOpen() throws Exception {
        assertEquals(Map.of(0, "Ka@b|Example.COM|Subje"), run(req(0, "0/23", "a@b", "joe@x@Example.COM")));
    }

    @Test
    void badRequestsGetSpawnCsTexts() throws Exception {
        Map<Integer, String> r = run(req(0, "0/x3", "s", "joe@x") + req(1, "", "s", "joe@x")
            + req(2, "1".repeat(100), "s", "joe@x") + req(3, "0/23", "s", "joe") + req(4, "0/99", "s", "joe@x")
            + req(200, "0/23", "s", "joe@x") + req(5, "/0/23", "s", "joe@x") + req(6, "1".repeat(99), "s", "joe@x"));
        assertEquals("DInternal error: messid has nonnumerics. (#5.3.5)\n", r.get(0));
        assertEquals("DInternal error: messid too short. (#5.3.5)\n", r.get(1));
        assertEquals("DInternal error: messid too long. (#5.3.5)\n", r.get(2));
        assertEquals("DSorry, address must include host name. (#5.1.3)\n", r.get(3));
        assertEquals("Zqmail-spawn unable to open message. (#4.3.0)\n", r.get(4));
        assertEquals("ZInternal error: delnum too big. (#4.3.5)\n", r.get(200));
        assertEquals("DInternal error: messid has nonnumerics. (#5.3.5)\n", r.get(5), "a leading / is refused");
        assertEquals("Zqmail-spawn unable to open message. (#4.3.0)\n", r.get(6), "99 bytes is long enough");
    }

    @Test
    void messageMustBeARegularFileOwnedByTheQueueUser() throws Exception {
        assertEquals("ZSorry, message has wrong type. (#4.3.5)\n", run(req(0, "0/7", "s", "joe@x")).get(0));
        Map<Integer, String> r = run(me + 1, echo, new ByteArrayInputStream(b(req(4, "0/23", "s", "joe@x"))));
        assertEquals("ZSorry, message has wrong owner. (#4.3.5)\n", r.get(4));
    }

    @Test
    void overlongFieldsAndAHalfRequestAreHandled() throws Exception {
        Map<Integer, String> r = run(req(0, "0/23", "s", "j".repeat(SpawnRequestReader.MAX_ADDRESS + 10) + "@x")
            + (char) 1 + "0/23\0sender-but-no-recipient");
        assertEquals("Zqmail-spawn out of memory. (#4.3.0)\n", r.get(0));
        assertEquals(1, r.size(), "the half request at end of input is dropped, as spawn.c does");
    }

    @Test
    void aSlotInUseIsRefusedAndFreedWhenItsReportIsOut() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        SpawnLoop.Worker slow = (r, fd, at) -> {
            started.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Report.success(b("slow"));
        };
        PipedOutputStream feed = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(feed, 1 << 16);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread loop = Thread.ofPlatform().start(() -> {
            try {
                new SpawnLoop(SPAWNER, tmp.resolve("mess"), me, slow, out).run(in);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        feed.write(b(req(3, "0/23", "s", "a@x")));
        feed.flush();
        assertTrue(started.await(30, TimeUnit.SECONDS));
        feed.write(b(req(3, "0/23", "s", "b@x")));
        feed.flush();
        for (int i = 0; i < 500 && out.size() < 2; i++) Thread.sleep(10);
        release.countDown();
        feed.close();
        loop.join(30_000);
        String all = new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
        assertEquals("x\u0003ZInternal error: delnum in use. (#4.3.5)\n\0\u0003Kslow\0", all);
    }

    @Test
    void aWorkerThatThrowsIsATemporaryFailureNotADeadSpawner() throws Exception {
        SpawnLoop.Worker broken = (r, fd, at) -> {
            throw new IllegalStateException("boom");
        };
        Map<Integer, String> r = run(me, broken, new ByteArrayInputStream(b(req(0, "0/23", "s", "a@x") + req(1, "0/23", "s", "b@x"))));
        assertTrue(r.get(0).startsWith("Zqmail-spawn: delivery trouble: "), r.get(0));
        assertTrue(r.get(1).startsWith("Z"), r.get(1));
    }
}
