package org.jqmail.clean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.jqmail.common.QueueLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CleanTest {
    @TempDir Path dir;
    QueueLayout q;

    @BeforeEach
    void tree() throws IOException {
        q = new QueueLayout(dir);
        for (String d : new String[] {"intd", "todo", "pid"}) Files.createDirectories(dir.resolve(d));
        for (int s = 0; s < QueueLayout.SPLIT; s++) Files.createDirectories(dir.resolve("mess").resolve("" + s));
    }

    /** Runs qmail-clean on {@code input}; returns the answers and checks the exit code. */
    String run(String input, int exit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Clean c = new Clean(q, new ByteArrayInputStream(input.getBytes(StandardCharsets.ISO_8859_1)), out);
        assertEquals(exit, c.run());
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void todoRemovesIntdAndTodo() throws IOException {
        Files.writeString(q.intd(47), "x");
        Files.createLink(q.todo(47), q.intd(47));
        Files.writeString(q.mess(47), "message");
        assertEquals("+", run("todo/47\0", Clean.EOF));
        assertFalse(Files.exists(q.intd(47)));
        assertFalse(Files.exists(q.todo(47)));
        assertTrue(Files.exists(q.mess(47)), "todo/ must not touch mess/");
    }

    @Test
    void foopRemovesIntdAndMess() throws IOException {
        Files.writeString(q.intd(100), "x");
        Files.writeString(q.mess(100), "m");
        assertEquals("+", run("foop/100\0", Clean.EOF));
        assertFalse(Files.exists(q.mess(100)));
        assertFalse(Files.exists(q.intd(100)));
    }

    @Test
    void missingFilesCountAsDone() {
        assertEquals("++", run("foop/5\0todo/6\0", Clean.EOF));
    }

    @Test
    void unlinkFailureIsBang() throws IOException {
        // a non-empty directory where todo/N should be: unlink fails with something other than ENOENT
        Files.createDirectories(q.todo(9).resolve("sub"));
        assertEquals("!", run("todo/9\0", Clean.EOF));
        assertTrue(Files.exists(q.todo(9)));
    }

    @Test
    void hostileRequestsAreRefusedWithOneAnswerEach() throws IOException {
        Files.writeString(dir.resolve("victim"), "keep");
        String[] bad = {
            "", "todo/", "foop", "todo/1a", "todo/../victim", "todo/-1", "todo/ 1", "mess/12", "intd/12",
            "TODO/12", "todo/99999999999999999999", "todo/1/2", "foop/1" + "0".repeat(200),
            "x".repeat(100000), "todo/\u00ff1", "todoX12",
        };
        StringBuilder in = new StringBuilder();
        for (String b : bad) in.append(b).append('\0');
        String answers = run(in.toString(), Clean.EOF);
        assertEquals("x".repeat(bad.length), answers);
        assertTrue(Files.exists(dir.resolve("victim")));
    }

    @Test
    void lengthLimitsAreQmails() {
        // 6..99 bytes without the NUL: "todo/1" is the shortest, 99 bytes the longest
        assertEquals("+", run("todo/1\0", Clean.EOF));
        assertEquals("+", run("todo/" + "0".repeat(93) + "\0", Clean.EOF)); // 98 bytes, number 0
        assertEquals("x", run("todo/" + "1".repeat(95) + "\0", Clean.EOF)); // 100 bytes
    }

    @Test
    void endOfFileInsideARequestEndsWithoutAnswer() {
        assertEquals("+", run("todo/3\0todo/4", Clean.EOF));
    }

    @Test
    void answerWriteFailureExits100() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("broken pipe");
            }
        };
        Clean c = new Clean(q, new ByteArrayInputStream("todo/3\0".getBytes(StandardCharsets.US_ASCII)), broken);
        assertEquals(Clean.WRITE_FAILED, c.run());
    }

    @Test
    void oldPidFilesAreRemoved() throws IOException {
        Path old = dir.resolve("pid").resolve("123.456.1");
        Path young = dir.resolve("pid").resolve("124.456.1");
        Files.writeString(old, "");
        Files.writeString(young, "");
        long now = System.currentTimeMillis() / 1000;
        Files.setAttribute(old, "lastAccessTime", FileTime.fromMillis((now - Clean.OSSIFIED - 10) * 1000));
        new Clean(q, new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream()).cleanupPid(now);
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(young));
    }

    @Test
    void answersComeInOrder() throws IOException {
        Files.createDirectories(q.todo(2).resolve("d"));
        assertArrayEquals("+!x+".getBytes(StandardCharsets.US_ASCII),
            run("todo/1\0todo/2\0bogus!\0foop/3\0", Clean.EOF).getBytes(StandardCharsets.US_ASCII));
    }
}
