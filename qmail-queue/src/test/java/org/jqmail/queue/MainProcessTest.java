package org.jqmail.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qmail-queue as its callers meet it: a JVM of its own, message on fd 0, envelope on fd 1, an exit code. */
class MainProcessTest {
    @TempDir
    Path tmp;
    QueueTree q;

    @BeforeEach
    void tree() throws Exception {
        q = new QueueTree(tmp.resolve("root"));
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content, StandardCharsets.ISO_8859_1);
    }

    private MainProcess.Result run(String message, String envelope) throws Exception {
        return MainProcess.run(q.root, file("msg", message), file("env", envelope), tmp);
    }

    @Test
    void queuesAndSaysWhoAndWhen() throws Exception {
        long before = System.currentTimeMillis() / 1000;
        MainProcess.Result r = run("Subject: hi\n\nhello\n", "Fme@example.org\0Tyou@example.org\0\0");
        long after = System.currentTimeMillis() / 1000;
        assertEquals(new MainProcess.Result(0, "", r.pid()), r);
        long n = q.onlyMessage();
        String uid = new String(new ProcessBuilder("id", "-ru").start().getInputStream().readAllBytes()).strip();
        String mess = Files.readString(q.queue.mess(n));
        String prefix = "Received: (qmail " + r.pid() + " invoked by uid " + uid + "); ";
        assertTrue(mess.startsWith(prefix), mess);
        String date = mess.substring(prefix.length(), mess.indexOf('\n'));
        assertTrue(date.equals(org.jqmail.common.Date822.format(before)) || date.equals(org.jqmail.common.Date822.format(after)),
            date);
        assertEquals("Subject: hi\n\nhello\n", mess.substring(mess.indexOf('\n') + 1));
        assertArrayEquals(("u" + uid + "\0p" + r.pid() + "\0Fme@example.org\0Tyou@example.org\0").getBytes(StandardCharsets.ISO_8859_1),
            Files.readAllBytes(q.queue.todo(n)));
        assertEquals(List.of(), q.pid());
    }

    @Test
    void theShimsInvokerUidIsUsed() throws Exception {
        MainProcess.Result r = MainProcess.run(MainProcess.command(q.root), file("m", "x\n"), file("e", "F\0\0"),
            "<\"$M\"", "1<\"$E\"", Map.of(Invoker.ENV, "4000000000"), tmp);
        assertEquals(0, r.exit(), r.stderr());
        long n = q.onlyMessage();
        assertTrue(Files.readString(q.queue.mess(n)).startsWith("Received: (qmail " + r.pid() + " invoked by uid 4000000000); "));
        assertTrue(new String(Files.readAllBytes(q.queue.todo(n)), StandardCharsets.ISO_8859_1).startsWith("u4000000000\0"));
    }

    @Test
    void aForgedInvokerUidIsAnInternalBug() throws Exception {
        MainProcess.Result r = MainProcess.run(MainProcess.command(q.root), file("m", "x\n"), file("e", "F\0\0"),
            "<\"$M\"", "1<\"$E\"", Map.of(Invoker.ENV, "0 or 1"), tmp);
        assertEquals(81, r.exit());
        assertTrue(r.stderr().startsWith("qmail-queue: internal bug: "), r.stderr());
        q.assertEmpty();
    }

    @Test
    void emptyMessage() throws Exception {
        MainProcess.Result r = MainProcess.run(MainProcess.command(q.root), null, file("e", "F\0Ta@b\0\0"),
            "</dev/null", "1<\"$E\"", Map.of(), tmp);
        assertEquals(0, r.exit(), r.stderr());
        String mess = Files.readString(q.queue.mess(q.onlyMessage()));
        assertTrue(mess.matches("Received: \\(qmail \\d+ invoked by uid \\d+\\); [^\n]+ -0000\n"), mess);
    }

    @Test
    void envelopeExitCodes() throws Exception {
        String ok = "x".repeat(1002);
        String[][] cases = {
            {"F" + ok + "\0T" + ok + "\0\0", "0"},
            {"Fme@a\0T" + "x".repeat(1003) + "\0\0", "11"},
            {"F" + "x".repeat(1003) + "\0\0", "11"},
            {"Xme@a\0Tyou@b\0\0", "91"},
            {"Fme@a\0Xyou@b\0\0", "91"},
            {"Fme@a\0Ty\0u@b\0\0", "91"},
            {"Fme@a\0Tyou@b\0", "54"},
            {"Fme@a\0Tyou@b", "54"},
            {"", "54"},
        };
        for (String[] c : cases) {
            MainProcess.Result r = run("Subject: x\n\ny\n", c[0]);
            assertEquals(new MainProcess.Result(Integer.parseInt(c[1]), "", r.pid()), r, c[0].replace('\0', '_'));
            if (c[1].equals("0")) {
                long n = q.onlyMessage();
                Files.delete(q.queue.todo(n));
                Files.delete(q.queue.intd(n));
                Files.delete(q.queue.mess(n));
            }
            q.assertEmpty();
        }
    }

    @Test
    void closedFdsAre54NotTheJvmsOwnFiles() throws Exception {
        // the JVM takes the lowest free fds for its module image and jars; reading those would be a disaster
        String[][] cases = {{"<\"$M\"", "1<&-"}, {"<&-", "1<\"$E\""}, {"<&-", "1<&-"}};
        for (String[] c : cases) {
            MainProcess.Result r = MainProcess.run(MainProcess.command(q.root), file("m", "x\n"), file("e", "F\0\0"),
                c[0], c[1], Map.of(), tmp);
            assertEquals(54, r.exit(), c[0] + " " + c[1] + ": " + r.stderr());
            q.assertEmpty();
        }
    }

    @Test
    void tenMegabyteAddressIs11InBoundedMemory() throws Exception {
        Path env = tmp.resolve("big-env");
        try (OutputStream out = Files.newOutputStream(env)) {
            out.write("Fme@example.org\0T".getBytes(StandardCharsets.US_ASCII));
            byte[] x = new byte[1024 * 1024];
            java.util.Arrays.fill(x, (byte) 'x');
            for (int i = 0; i < 10; i++) out.write(x);
            out.write(new byte[2]);
        }
        MainProcess.Result r = MainProcess.run(MainProcess.command(q.root, "-Xmx16m"), file("m", "x\n"), env,
            "<\"$M\"", "1<\"$E\"", Map.of(), tmp);
        assertEquals(11, r.exit(), r.stderr());
        q.assertEmpty();
    }

    @Test
    void fiftyMegabytesInSixteenMegabytesOfHeap() throws Exception {
        Path msg = tmp.resolve("big");
        byte[] block = new byte[1024 * 1024];
        for (int i = 0; i < block.length; i++) block[i] = (byte) (i * 7 + (i >> 10));
        try (OutputStream out = Files.newOutputStream(msg)) {
            for (int i = 0; i < 50; i++) {
                block[0] = (byte) i;
                out.write(block);
            }
        }
        // through a pipe, as callers give it (cat), not as a seekable file
        List<String> cmd = new java.util.ArrayList<>(List.of("sh", "-c", "cat \"$M\" | \"$@\"", "sh"));
        cmd.addAll(MainProcess.command(q.root, "-Xmx16m"));
        MainProcess.Result r = MainProcess.run(cmd, msg, file("e", "Fa@b\0Tc@d\0\0"), "", "1<\"$E\"", Map.of(), tmp);
        assertEquals(0, r.exit(), r.stderr());
        Path mess = q.queue.mess(q.onlyMessage());
        long header = Files.readString(mess, StandardCharsets.ISO_8859_1).indexOf('\n') + 1;
        assertEquals(header + 50L * block.length, Files.size(mess));
        try (FileChannel a = FileChannel.open(mess); FileChannel b = FileChannel.open(msg)) {
            assertEquals(-1L, a.position(header).map(FileChannel.MapMode.READ_ONLY, header, 50L * block.length)
                .mismatch(b.map(FileChannel.MapMode.READ_ONLY, 0, 50L * block.length)));
        }
    }

    @Test
    void timeoutIs52AndNothingReachesTodo() throws Exception {
        q.control("timeoutqueue", "1\n");
        Path fifo = tmp.resolve("env.fifo");
        assertEquals(0, QueueTree.run("mkfifo", fifo.toString()));
        // Held open for reading and writing here, the FIFO never shows EOF: the envelope stalls.
        try (FileChannel stall = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            stall.write(ByteBuffer.wrap("Fme@example.org\0Tyou@exa".getBytes(StandardCharsets.US_ASCII)));
            MainProcess.Result r = MainProcess.run(q.root, file("m", "Subject: slow\n\n"), fifo, tmp);
            assertEquals(new MainProcess.Result(52, "", r.pid()), r);
        }
        assertEquals(List.of(), q.todo(), "not queued");
        // no cleanup on the alarm (qmail's rule): left-overs are garbage for qmail-send, never in todo
    }

    @Test
    void writeErrorIs53AndLeavesNothing() throws Exception {
        Path big = file("big", "y".repeat(3 * 1024 * 1024));
        // a file-size limit makes write(2) fail with EFBIG (the JVM ignores SIGXFSZ): a write error
        // like a full disk, for the message ...
        List<String> limited = List.of("sh", "-c", "ulimit -f 1024; exec \"$@\"", "sh");
        List<String> cmd = new java.util.ArrayList<>(limited);
        cmd.addAll(MainProcess.command(q.root));
        MainProcess.Result r = MainProcess.run(cmd, big, file("e", "Fa@b\0Tc@d\0\0"), "<\"$M\"", "1<\"$E\"", Map.of(), tmp);
        assertEquals(53, r.exit(), r.stderr());
        q.assertEmpty();
        // ... and for intd/N
        StringBuilder env = new StringBuilder("Fme@example.org\0");
        for (int i = 0; i < 200_000; i++) env.append("Trecipient-").append(i).append("@example.net\0");
        r = MainProcess.run(cmd, file("m", "small\n"), file("e2", env.append('\0').toString()), "<\"$M\"", "1<\"$E\"",
            Map.of(), tmp);
        assertEquals(53, r.exit(), r.stderr());
        q.assertEmpty();
    }

    @Test
    void missingRootIs61AndQueueIs62() throws Exception {
        MainProcess.Result r = MainProcess.run(tmp.resolve("nonexistent"), file("m", "x"), file("e", "F\0\0"), tmp);
        assertEquals(61, r.exit());
        Path bare = Files.createDirectories(tmp.resolve("bare"));
        r = MainProcess.run(bare, file("m", "x"), file("e", "F\0\0"), tmp);
        assertEquals(62, r.exit());
    }

    @Test
    void unreadableTimeoutControlIs55() throws Exception {
        q.control("timeoutqueue", "one day\n");
        assertEquals(55, run("x", "F\0\0").exit());
        q.assertEmpty();
    }

    @Test
    void pullsTheTrigger() throws Exception {
        // qmail-send's side: the FIFO open for reading (O_RDWR here, so the open does not wait)
        try (FileChannel trigger = FileChannel.open(q.queue.trigger(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertEquals(0, run("x\n", "F\0Ta@b\0\0").exit());
            ByteBuffer b = ByteBuffer.allocate(16);
            assertEquals(1, trigger.read(b));
            assertEquals(0, b.get(0));
        }
    }

    @Test
    void aMissingTriggerDoesNotMatter() throws Exception {
        Files.delete(q.queue.trigger());
        assertEquals(0, run("x\n", "F\0Ta@b\0\0").exit());
        q.onlyMessage();
    }
}
