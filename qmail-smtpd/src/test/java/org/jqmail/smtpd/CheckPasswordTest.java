package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.jqmail.common.ControlFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpassword interface with real programs: fd 3, exit codes, a program that hangs. */
class CheckPasswordTest {
    @TempDir
    Path tmp;

    Path script(String name, String body) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void readsFd3AndRunsTheNextProgram() throws Exception {
        // like checkpassword: compare fd 3 with what is expected, then exec "$@"
        Path checker = script("cp", "printf 'joe\\0s3cret\\0<1.2@mx>\\0' > " + tmp + "/want\n"
            + "cat <&3 > " + tmp + "/got\ncmp -s " + tmp + "/want " + tmp + "/got || exit 1\n"
            + "[ -t 0 ] && exit 2\nexec \"$@\"\n");
        CheckPassword c = new CheckPassword(List.of(checker.toString()), 10_000);
        assertEquals(Verdict.ACCEPTED, c.check(b("joe"), b("s3cret"), b("<1.2@mx>")));
        assertEquals(Verdict.REFUSED, c.check(b("joe"), b("wrong"), b("<1.2@mx>")));
    }

    @Test
    void exitCodes() throws Exception {
        assertEquals(Verdict.REFUSED, new CheckPassword(List.of(script("one", "exit 1\n").toString()), 10_000).check(b("u"), b("p"), b("t")));
        assertEquals(Verdict.REFUSED, new CheckPassword(List.of(script("two", "exit 2\n").toString()), 10_000).check(b("u"), b("p"), b("t")));
        assertEquals(Verdict.TEMPORARY, new CheckPassword(List.of(script("tmp", "exit 111\n").toString()), 10_000).check(b("u"), b("p"), b("t")));
        assertEquals(Verdict.TEMPORARY, new CheckPassword(List.of(script("sig", "kill -9 $$\n").toString()), 10_000).check(b("u"), b("p"), b("t")));
        assertEquals(Verdict.TEMPORARY, new CheckPassword(List.of(tmp.resolve("missing").toString()), 10_000).check(b("u"), b("p"), b("t")));
        assertEquals(Verdict.ACCEPTED, new CheckPassword(List.of(script("ok", "exec \"$@\"\n").toString()), 10_000).check(b("u"), b("p"), b("t")));
    }

    @Test
    void aProgramThatHangsIsKilledAfterTheTimeout() throws Exception {
        Path pidfile = tmp.resolve("pid");
        Path hang = script("hang", "sleep 300 &\necho $! > " + pidfile + "\nwait\n");
        long t0 = System.nanoTime();
        assertEquals(Verdict.TEMPORARY, new CheckPassword(List.of(hang.toString()), 1000).check(b("u"), b("p"), b("t")));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 900 && ms < 10_000, ms + " ms");
        long sleeper = Long.parseLong(Files.readString(pidfile).strip());
        for (int i = 0; i < 50 && ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false); i++) Thread.sleep(100);
        assertFalse(ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false), "its children are killed too");
    }

    @Test
    void thePasswordIsNeverAnArgument() throws Exception {
        Path args = script("args", "echo \"$@\" > " + tmp + "/args\ncat /proc/$$/environ | tr '\\0' '\\n' > " + tmp + "/env\nexit 1\n");
        new CheckPassword(List.of(args.toString(), "-x"), 10_000).check(b("joe"), b("hunter2"), b("t"));
        assertEquals("-x /bin/true\n", Files.readString(tmp.resolve("args")));
        assertFalse(Files.readString(tmp.resolve("env")).contains("hunter2"));
    }

    @Test
    void authusersDecidesForItsUsersAndTheProgramForTheRest() throws Exception {
        Path control = Files.createDirectories(tmp.resolve("control"));
        Files.writeString(control.resolve("authusers"), "v@example.com:{PLAIN}pw\n");
        Path marker = tmp.resolve("ran");
        Path checker = script("c", "touch " + marker + "\nexec \"$@\"\n");
        Passwords p = new Passwords(new ControlFile(control), new CheckPassword(List.of(checker.toString()), 10_000), "<t>");
        assertEquals(Verdict.REFUSED, p.check(b("v@example.com"), b("nope")));
        assertFalse(Files.exists(marker), "a virtual user never reaches the program");
        assertEquals(Verdict.ACCEPTED, p.check(b("v@example.com"), b("pw")));
        assertEquals(Verdict.ACCEPTED, p.check(b("system"), b("whatever")));
        assertTrue(Files.exists(marker));
        assertEquals("pw", new String(p.cramSecret(b("v@example.com")), StandardCharsets.ISO_8859_1));
        Passwords none = new Passwords(new ControlFile(control), null, "<t>");
        assertEquals(Verdict.REFUSED, none.check(b("system"), b("whatever")));
    }
}
