package org.jqmail.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ProgramDeliveryTest extends Fixture {
    /** The environment a program saw, from `env -0`. */
    private Map<String, String> envOf(Path file) throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String kv : read(file).split("\0")) {
            int eq = kv.indexOf('=');
            if (eq > 0) env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return env;
    }

    @Test
    void environmentDirectoryAndInput() throws IOException {
        domain = "mail.example.com";
        dot(".qmail-list-default", "|env -0 > env.out; pwd > pwd.out; cat > msg.out\n");
        assertEquals(Result.success("did 0+0+1\n"), run("-", "list-foo.Bar"));
        Map<String, String> env = envOf(home.resolve("env.out"));
        assertEquals("alice@example.net", env.get("SENDER"));
        assertEquals("alice@example.net", env.get("NEWSENDER"));
        assertEquals("joe-list-foo.Bar@mail.example.com", env.get("RECIPIENT"));
        assertEquals("joe", env.get("USER"));
        assertEquals(home.toString(), env.get("HOME"));
        assertEquals("mail.example.com", env.get("HOST"));
        assertEquals("mail.example", env.get("HOST2"));
        assertEquals("mail", env.get("HOST3"));
        assertEquals("mail", env.get("HOST4"));
        assertEquals("joe-list-foo.Bar", env.get("LOCAL"));
        assertEquals("list-foo.Bar", env.get("EXT"));
        assertEquals("foo.Bar", env.get("EXT2"));
        assertEquals("", env.get("EXT3"));
        assertEquals("", env.get("EXT4"));
        assertEquals("foo.Bar", env.get("DEFAULT"));
        assertEquals("Delivered-To: joe-list-foo.Bar@mail.example.com\n", env.get("DTLINE"));
        assertEquals("Return-Path: <alice@example.net>\n", env.get("RPLINE"));
        assertEquals("From alice@example.net Tue Nov 14 22:13:20 2023\n", env.get("UFLINE"));
        assertEquals(home.toRealPath() + "\n", read(home.resolve("pwd.out")));
        assertEquals(MESSAGE, read(home.resolve("msg.out")), "the message, at offset 0, without added lines");
    }

    @Test
    void everyProgramReadsTheMessageFromTheStart() throws IOException {
        dot(".qmail", "|cat > a.out\n|head -c 5 > b.out\n|cat > c.out\n");
        assertEquals(Result.success("did 0+0+3\n"), run("", ""));
        assertEquals(MESSAGE, read(home.resolve("a.out")));
        assertEquals(MESSAGE.substring(0, 5), read(home.resolve("b.out")));
        assertEquals(MESSAGE, read(home.resolve("c.out")));
    }

    @Test
    void noDefaultWithoutADefaultFileAndExtParts() throws IOException {
        dot(".qmail-a-b-c-d", "|env -0 > env.out\n");
        assertEquals(Result.success("did 0+0+1\n"), run("-", "a-b-c-d"));
        Map<String, String> env = envOf(home.resolve("env.out"));
        assertFalse(env.containsKey("DEFAULT"));
        assertEquals("b-c-d", env.get("EXT2"));
        assertEquals("c-d", env.get("EXT3"));
        assertEquals("d", env.get("EXT4"));
        assertEquals("example", env.get("HOST2"));
        assertEquals("example", env.get("HOST3"));
    }

    @Test
    void exactFileEndingInDefaultStillSetsDefault() throws IOException {
        dot(".qmail-x-default", "|env -0 > env.out\n");
        assertEquals(Result.success("did 0+0+1\n"), run("-", "x-default"));
        assertEquals("default", envOf(home.resolve("env.out")).get("DEFAULT"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 99})
    void successCodes(int code) throws IOException {
        dot(".qmail", "|echo said $RECIPIENT; exit " + code + "\n");
        assertEquals(Result.success("did 0+0+1\n"), run("", ""));
        assertEquals("said joe@example.com\n", out());
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 64, 65, 70, 76, 77, 78, 112})
    void permanentCodes(int code) throws IOException {
        dot(".qmail", "|echo no such user >&2; exit " + code + "\n./Mailbox\n");
        assertEquals(new Result(Result.Kind.PERMANENT, ""), run("", ""));
        assertEquals("no such user\n", out(), "the program's output is the report");
        assertFalse(Files.exists(home.resolve("Mailbox")), "the first failure stops everything");
    }

    @ParameterizedTest
    @ValueSource(ints = {111, 1, 2, 63, 66, 71, 75, 98, 101, 113, 126, 127, 255})
    void temporaryCodes(int code) throws IOException {
        dot(".qmail", "|echo try later; exit " + code + "\n");
        assertEquals(new Result(Result.Kind.TEMPORARY, ""), run("", ""));
        assertEquals("try later\n", out());
    }

    @Test
    void killedProgramIsTemporary() throws IOException {
        dot(".qmail", "|kill -9 $$\n");
        assertEquals(Result.Kind.TEMPORARY, run("", "").kind());
    }

    @Test
    void exit99IgnoresTheRestButKeepsEarlierForwards() throws IOException {
        dot(".qmail", "&a@example.org\n|exit 99\n&b@example.org\n./Mailbox\n");
        assertEquals(Result.success("did 0+1+1\nqp 4242\n"), run("", ""));
        assertEquals(1, forwarder.calls.size());
        assertEquals(java.util.List.of("a@example.org"), forwarder.calls.get(0).recipients());
        assertFalse(Files.exists(home.resolve("Mailbox")));
    }

    @Test
    void aFailingProgramPreventsAllForwards() throws IOException {
        dot(".qmail", "&a@example.org\n|exit 111\n");
        assertEquals(Result.Kind.TEMPORARY, run("", "").kind());
        assertTrue(forwarder.calls.isEmpty());
    }

    @Test
    void tenMegabytesOfOutputAreBounded() throws IOException {
        dot(".qmail", "|head -c 10000000 /dev/zero | tr '\\0' x; echo done >&2\n|echo second\n");
        assertEquals(Result.success("did 0+0+2\n"), run("", ""));
        byte[] o = out.toByteArray();
        assertTrue(o.length <= OutputBudget.DEFAULT_LIMIT + 2 * OutputBudget.TRUNCATED.length, "length " + o.length);
        String s = out();
        assertTrue(s.startsWith("xxxx"));
        assertTrue(s.endsWith(new String(OutputBudget.TRUNCATED, StandardCharsets.US_ASCII)), s.substring(s.length() - 40));
    }

    @Test
    void aProgramThatNeverExitsIsKilledAfterTheTimeout() throws Exception {
        settings = new Delivery.Settings(2, 1000, OutputBudget.DEFAULT_LIMIT);
        dot(".qmail", "|echo started; sleep 100000 & echo $! > pid; wait\n");
        assertEquals(Result.temporary("Program timed out after 2 seconds. (#4.3.0)"), run("", ""));
        assertEquals("started\n", out());
        long pid = Long.parseLong(read(home.resolve("pid")).strip());
        // destroyForcibly has been called on it; give the kernel a bounded moment to reap it
        for (int i = 0; i < 100 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(50);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the grandchild is gone");
    }

    @Test
    void hugeCommandLine() throws IOException {
        dot(".qmail", "|: " + "x".repeat(100_000) + "; echo ok\n");
        assertEquals(Result.success("did 0+0+1\n"), run("", ""));
        assertEquals("ok\n", out());
    }

    @Test
    void programDeliveryIsRefusedInAForwardOnlyFile() throws IOException {
        Path q = dot(".qmail", "|echo hi\n");
        Files.setPosixFilePermissions(q, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        assertEquals(Result.temporary("Uh-oh: .qmail has prog delivery but has x bit set. (#4.7.0)"), run("", ""));
        dot(".qmail", "&a@example.org\n+list\n|echo hi\n");
        assertEquals(Result.temporary("Uh-oh: .qmail has prog delivery but has x bit set. (#4.7.0)"), run("", ""));
        assertTrue(forwarder.calls.isEmpty());
    }
}
