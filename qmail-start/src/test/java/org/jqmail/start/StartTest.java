package org.jqmail.start;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real qmail-start (a separate JVM, as root) with stand-in shell scripts for qmail-lspawn,
 * qmail-rspawn, qmail-clean, qmail-send and the logger, each of which records its pid, ids, umask,
 * directory, arguments and open descriptors; then checks the wiring against qmail-start.c and SPEC.md.
 * Needs root and the qmail users (the installer creates them; CI runs as root).
 */
class StartTest {
    private static final Pattern FD = Pattern.compile("(\\d+) -> (.*)$");

    @TempDir
    Path tmp;
    Path bin;
    Path out;

    @BeforeEach
    void standIns() throws Exception {
        Assumptions.assumeTrue("0".equals(sh("id -u").strip()), "qmail-start runs as root");
        for (String u : new String[] {"qmaill", "qmailq", "qmailr", "qmails"}) {
            Assumptions.assumeTrue(!sh("getent passwd " + u).isBlank(), "the qmail users exist (./setup makes them)");
        }
        // The stand-ins run as qmailr, qmails, ...: they must reach their scripts and the output directory.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        bin = Files.createDirectory(tmp.resolve("bin"));
        out = Files.createDirectory(tmp.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        install("daemon", "qmail-lspawn");
        install("daemon", "qmail-rspawn");
        install("daemon", "qmail-clean");
        install("qmail-send", "qmail-send");
        install("logger", "logger");
    }

    private void install(String resource, String name) throws IOException {
        String text;
        try (InputStream in = StartTest.class.getResourceAsStream("/standins/" + resource)) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        Path p = bin.resolve(name);
        Files.writeString(p, text.replace("@OUT@", out.toString()), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Run(long pid, int exit, String stdout) {}

    /** qmail-start in its own JVM, with the clean environment the run script gives it. */
    private Run start(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"),
            "-Djqmail.root=" + tmp.resolve("root"), "-D" + Programs.TEST_BIN + "=" + bin, Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        Process p = pb.start();
        p.getOutputStream().close();
        // The daemons hold the log (our stdout, when there is no logger) too: it ends when all have exited.
        byte[] stdout = p.getInputStream().readNBytes(1 << 20);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("qmail-start did not finish");
        }
        return new Run(p.pid(), p.exitValue(), new String(stdout, StandardCharsets.ISO_8859_1));
    }

    private static String sh(String command) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return s;
    }

    private static int id(String what) throws Exception {
        return Integer.parseInt(sh(what).strip());
    }

    /** The key-value lines of NAME.id. */
    private Map<String, String> ids(String name) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve(name + ".id"))) {
            int sp = line.indexOf(' ');
            m.put(line.substring(0, sp), line.substring(sp + 1));
        }
        return m;
    }

    /** NAME's open descriptors and what they are, leaving out the shell's own copy of its script. */
    private Map<Integer, String> fds(String name, String script) throws IOException {
        Map<Integer, String> m = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve(name + ".fd"))) {
            Matcher x = FD.matcher(line);
            if (!x.find() || x.group(2).equals(bin.resolve(script).toString())) continue;
            m.put(Integer.parseInt(x.group(1)), x.group(2));
        }
        return m;
    }

    /** Waits (bounded) for a stand-in to see end of input and finish. */
    private void awaitEnd(String name) throws InterruptedException {
        for (int i = 0; i < 200 && !Files.exists(out.resolve(name + ".end")); i++) Thread.sleep(50);
        assertTrue(Files.exists(out.resolve(name + ".end")), name + " did not see the end of its input");
    }

    private void assertIdentity(String name, int uid, int gid, long parent) throws Exception {
        Map<String, String> m = ids(name);
        assertEquals(Integer.toString(uid), m.get("uid"), name + " uid");
        assertEquals(Integer.toString(gid), m.get("gid"), name + " gid");
        assertEquals(Integer.toString(gid), m.get("groups"), name + " has no other groups");
        assertEquals("0077", m.get("umask"), name + " umask");
        assertEquals("/", m.get("cwd"), name + " directory");
        if (parent > 0) assertEquals(Long.toString(parent), m.get("ppid"), name + " is qmail-start's child");
    }

    @Test
    void wiresTheDaemonsAndBecomesQmailSend() throws Exception {
        Run r = start("./Maildir/");
        // The log line travelled send -> each daemon -> send -> log (our stdout).
        assertEquals("log qmail-lspawn:to-lspawn qmail-rspawn:to-rspawn qmail-clean:to-clean\n", r.stdout());
        assertEquals(0, r.exit(), "qmail-send's exit is qmail-start's");
        int qmail = id("getent group qmail | cut -d: -f3");

        // qmail-send is the very process supervise started: same pid.
        assertEquals(Long.toString(r.pid()), ids("qmail-send").get("pid"));
        assertIdentity("qmail-send", id("id -u qmails"), qmail, 0);
        assertIdentity("qmail-lspawn", 0, qmail, r.pid());
        assertIdentity("qmail-rspawn", id("id -u qmailr"), qmail, r.pid());
        assertIdentity("qmail-clean", id("id -u qmailq"), qmail, r.pid());
        assertEquals("./Maildir/", ids("qmail-lspawn").get("args"));
        assertEquals("", ids("qmail-rspawn").get("args"));

        Map<Integer, String> send = fds("qmail-send", "qmail-send");
        Map<Integer, String> lspawn = fds("qmail-lspawn", "qmail-lspawn");
        Map<Integer, String> rspawn = fds("qmail-rspawn", "qmail-rspawn");
        Map<Integer, String> clean = fds("qmail-clean", "qmail-clean");
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), List.copyOf(send.keySet()), "qmail-send's descriptors: " + send);
        for (String d : send.values()) assertTrue(d.startsWith("pipe:["), "every descriptor is a pipe: " + send);
        assertEquals(List.of(0, 1, 2), List.copyOf(lspawn.keySet()), "qmail-lspawn's descriptors: " + lspawn);
        assertEquals(List.of(0, 1, 2), List.copyOf(rspawn.keySet()));
        assertEquals(List.of(0, 1, 2), List.copyOf(clean.keySet()));
        assertEquals(send.get(1), lspawn.get(0));
        assertEquals(send.get(2), lspawn.get(1));
        assertEquals(send.get(3), rspawn.get(0));
        assertEquals(send.get(4), rspawn.get(1));
        assertEquals(send.get(5), clean.get(0));
        assertEquals(send.get(6), clean.get(1));
        // The daemons' fd 2 is the log, qmail-send's fd 0; all seven pipes are distinct.
        assertEquals(send.get(0), lspawn.get(2));
        assertEquals(send.get(0), rspawn.get(2));
        assertEquals(send.get(0), clean.get(2));
        assertEquals(7, new java.util.HashSet<>(send.values()).size());

        for (String d : new String[] {"qmail-lspawn", "qmail-rspawn", "qmail-clean"}) awaitEnd(d);
    }

    @Test
    void startsTheLoggerAsQmaill() throws Exception {
        Run r = start("./Maildir/", bin.resolve("logger").toString(), "qmail");
        assertEquals("", r.stdout(), "the log goes to the logger, not to our stdout");
        awaitEnd("logger");
        assertEquals("log qmail-lspawn:to-lspawn qmail-rspawn:to-rspawn qmail-clean:to-clean\n",
            Files.readString(out.resolve("logger.log")));
        int nofiles = id("getent group nofiles | cut -d: -f3");
        assertIdentity("logger", id("id -u qmaill"), nofiles, r.pid());
        assertEquals("qmail", ids("logger").get("args"));
        Map<Integer, String> logger = fds("logger", "logger");
        Map<Integer, String> send = fds("qmail-send", "qmail-send");
        assertEquals(List.of(0, 1, 2), List.copyOf(logger.keySet()), "logger's descriptors: " + logger);
        assertEquals(send.get(0), logger.get(0), "the logger reads what qmail-send logs");
        assertEquals(send.get(0), fds("qmail-lspawn", "qmail-lspawn").get(2));
    }

    @Test
    void defaultDeliveryIsMailboxAsInQmail() throws Exception {
        Run r = start();
        assertEquals(0, r.exit());
        assertEquals("./Mailbox", ids("qmail-lspawn").get("args"));
    }

    @Test
    void aMissingDaemonStopsEverythingWithAnAlertAndExit111() throws Exception {
        Files.delete(bin.resolve("qmail-rspawn"));
        Run r = start("./Maildir/");
        assertEquals(111, r.exit());
        assertEquals("alert: qmail-start: unable to run " + bin.resolve("qmail-rspawn") + ": file does not exist\n",
            r.stdout());
        assertFalse(Files.exists(out.resolve("qmail-lspawn.id")), "nothing was started");
    }

    @Test
    void aMissingQmailSendIsAnAlertToo() throws Exception {
        Files.delete(bin.resolve("qmail-send"));
        Run r = start("./Maildir/");
        assertEquals(111, r.exit());
        assertEquals("alert: qmail-start: unable to run " + bin.resolve("qmail-send") + ": file does not exist\n",
            r.stdout());
    }

    @Test
    void aNonExecutableDaemonIsRefused() throws Exception {
        Files.setPosixFilePermissions(bin.resolve("qmail-clean"), PosixFilePermissions.fromString("rw-r--r--"));
        Run r = start("./Maildir/");
        assertEquals(111, r.exit());
        assertEquals("alert: qmail-start: unable to run " + bin.resolve("qmail-clean") + ": not executable\n",
            r.stdout());
    }

    /** The programs are checked before the logger starts, so the alert is on our stdout even with a logger named. */
    @Test
    void withALoggerNamedTheCheckStillComesFirst() throws Exception {
        Files.delete(bin.resolve("qmail-clean"));
        Run r = start("./Maildir/", bin.resolve("logger").toString());
        assertEquals(111, r.exit());
        assertEquals("alert: qmail-start: unable to run " + bin.resolve("qmail-clean") + ": file does not exist\n",
            r.stdout());
    }
}
