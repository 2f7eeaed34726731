package org.jqmail.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** qmail-local as qmail-lspawn runs it: its own JVM, the message on fd 0, texts on fd 1 and 2. */
class MainProcessTest extends Fixture {
    private Path root;

    record Run(int exit, String stdout, String stderr) {}

    @BeforeEach
    void makeRoot() throws IOException {
        root = tmp.resolve("root");
        Files.createDirectories(root.resolve("control"));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private List<String> jvm() {
        return List.of(java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
            "--enable-native-access=ALL-UNNAMED", "-Djqmail.root=" + root, "-cp", System.getProperty("java.class.path"), Main.class.getName());
    }

    private Run start(ProcessBuilder pb) throws IOException, InterruptedException {
        Path o = tmp.resolve("stdout");
        Path e = tmp.resolve("stderr");
        Process p = pb.redirectOutput(o.toFile()).redirectError(e.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "qmail-local finished");
        return new Run(p.exitValue(), read(o), read(e));
    }

    private Run qmailLocal(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(jvm());
        cmd.addAll(List.of(args));
        return start(new ProcessBuilder(cmd).redirectInput(messageFile.toFile()));
    }

    private Run deliverTo(String ext, String defaultDelivery) throws IOException, InterruptedException {
        return qmailLocal("--", "joe", home.toString(), ext.isEmpty() ? "joe" : "joe-" + ext, ext.isEmpty() ? "" : "-",
            ext, "example.com", "alice@example.net", defaultDelivery);
    }

    @Test
    void maildirDelivery() throws Exception {
        Path md = maildir("Maildir");
        assertEquals(new Run(0, "did 1+0+0\n", ""), deliverTo("", "./Maildir/"));
        assertEquals("Return-Path: <alice@example.net>\nDelivered-To: joe@example.com\n" + MESSAGE,
            read(list(md.resolve("new")).get(0)));
    }

    @Test
    void usage() throws Exception {
        String usage = Arguments.USAGE + "\n";
        assertEquals(new Run(100, "", usage), qmailLocal());
        assertEquals(new Run(100, "", usage), qmailLocal("-x", "--", "a", "/b", "c", "d", "e", "f", "g", "h"));
        assertEquals(new Run(100, "", usage), qmailLocal("a", "relative", "c", "d", "e", "f", "g", "h"));
    }

    @Test
    void loopingMessage() throws Exception {
        message("Delivered-To: joe@example.com\n\nbody\n");
        assertEquals(new Run(100, "", "This message is looping: it already has my Delivered-To line. (#5.4.6)\n"),
            deliverTo("", "./Mailbox"));
    }

    @Test
    void programExitAndOutput() throws Exception {
        dot(".qmail-bounce", "|echo Sorry, no.; exit 100\n");
        assertEquals(new Run(100, "Sorry, no.\n", ""), deliverTo("bounce", "./Mailbox"));
        dot(".qmail-later", "|echo busy; exit 111\n");
        assertEquals(new Run(111, "busy\n", ""), deliverTo("later", "./Mailbox"));
        // fd 0 is shared with the program: after the mbox delivery read it, it is rewound for the program
        dot(".qmail-ok", "./Mailbox\n|cat > prog.out; echo fine\n");
        assertEquals(new Run(0, "fine\ndid 1+0+1\n", ""), deliverTo("ok", "./Mailbox"));
        assertEquals(MESSAGE, read(home.resolve("prog.out")));
        assertEquals(new Run(100, "", "Sorry, no mailbox here by that name. (#5.1.1)\n"), deliverTo("nobody", ""));
    }

    @Test
    void printOnly() throws Exception {
        dot(".qmail", "./Maildir/\n|preline procmail\n&a@example.org\n");
        assertEquals(new Run(0, "maildir ./Maildir/\nprogram preline procmail\nforward a@example.org\ndid 1+1+1\n", ""),
            qmailLocal("-n", "joe", home.toString(), "joe", "", "", "example.com", "s@x", "./Mailbox"));
    }

    @Test
    void forwardGoesThroughQmailQueueWithDeliveredToAndNewSender() throws Exception {
        // A stand-in qmail-queue that keeps what it is given: the message on fd 0, the envelope on fd 1.
        Path qq = tmp.resolve("fake-qq");
        Files.writeString(qq, "#!/bin/sh\ncat > " + tmp.resolve("qq.message") + "\ncat <&1 > " + tmp.resolve("qq.envelope") + "\n");
        Files.setPosixFilePermissions(qq, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        dot(".qmail", "&a@example.org\nb@example.org\n");
        List<String> cmd = new ArrayList<>(jvm());
        cmd.addAll(List.of("--", "joe", home.toString(), "joe", "", "", "example.com", "alice@example.net", "./Mailbox"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(messageFile.toFile());
        pb.environment().put("QMAILQUEUE", qq.toString());
        Run r = start(pb);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().matches("did 0\\+2\\+0\nqp [0-9]+\n"), r.stdout());
        assertEquals("Delivered-To: joe@example.com\n" + MESSAGE, read(tmp.resolve("qq.message")));
        assertEquals("Falice@example.net\0Ta@example.org\0Tb@example.org\0\0", read(tmp.resolve("qq.envelope")));
    }

    @Test
    void forwardWithoutQmailQueueIsTemporary() throws Exception {
        dot(".qmail", "&a@example.org\n");
        assertEquals(new Run(111, "", "Unable to forward message: unable to exec qq (#4.3.0).\n"),
            deliverTo("", "./Mailbox"));
    }

    @Test
    void timeoutLocalControlFile() throws Exception {
        Files.writeString(root.resolve("control/timeoutlocal"), "2\n");
        dot(".qmail", "|exec sleep 100000\n");
        assertEquals(new Run(111, "", "Program timed out after 2 seconds. (#4.3.0)\n"), deliverTo("", "./Mailbox"));
        Files.writeString(root.resolve("control/timeoutlocal"), "soon\n");
        assertEquals(new Run(111, "", "Unable to read control/timeoutlocal. (#4.3.0)\n"), deliverTo("", "./Mailbox"));
    }

    @Test
    void messageMustBeSeekable() throws Exception {
        List<String> cmd = new ArrayList<>(jvm());
        cmd.addAll(List.of("joe", home.toString(), "joe", "", "", "example.com", "s@x", "./Mailbox"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(Redirect.PIPE);
        Path o = tmp.resolve("stdout");
        Path e = tmp.resolve("stderr");
        Process p = pb.redirectOutput(o.toFile()).redirectError(e.toFile()).start();
        p.getOutputStream().write(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(new Run(111, "", "Unable to rewind message. (#4.3.0)\n"), new Run(p.exitValue(), read(o), read(e)));
    }

    @Test
    void eightBitArgumentsKeepTheirBytes() throws Exception {
        Path md = maildir("Maildir");
        // the sender's bytes reach us through sh's printf, as qmail-lspawn would pass them: raw
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c",
            "exec \"$@\" joe \"$HOMEDIR\" \"$(printf 'j\\374rg')\" '' '' example.com \"$(printf 'al\\351@x')\" ./Maildir/",
            "sh"));
        cmd.addAll(jvm());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(messageFile.toFile());
        pb.environment().put("HOMEDIR", home.toString());
        pb.environment().remove("LANG");
        pb.environment().remove("LC_ALL");
        pb.environment().remove("LC_CTYPE");
        assertEquals(new Run(0, "did 1+0+0\n", ""), start(pb));
        assertEquals("Return-Path: <\"al\u00e9\"@x>\nDelivered-To: j\u00fcrg@example.com\n" + MESSAGE,
            read(list(md.resolve("new")).get(0)));
    }

    @Test
    void theCommandLineLoadsNoWorkerClass() throws Exception {
        maildir("Maildir");
        List<String> cmd = new ArrayList<>(jvm());
        cmd.add(1, "-Xlog:class+load=info:file=" + tmp.resolve("classes.log"));
        cmd.addAll(List.of("--", "joe", home.toString(), "joe", "", "", "example.com", "alice@example.net", "./Maildir/"));
        assertEquals(new Run(0, "did 1+0+0\n", ""), start(new ProcessBuilder(cmd).redirectInput(messageFile.toFile())));
        String loaded = read(tmp.resolve("classes.log"));
        assertTrue(loaded.contains("org.jqmail.local.Delivery "), "the log names classes");
        for (String c : new String[] {"Worker ", "WorkerSocket", "WorkerProtocol", "ReportCapture"}) {
            assertTrue(!loaded.contains("org.jqmail.local." + c), c + " is the worker's alone");
        }
    }

    @Test
    void workerModeNeedsQmailLspawnsSocket() throws Exception {
        Run r = qmailLocal("--worker");
        assertEquals(111, r.exit(), r.toString());
        assertTrue(r.stderr().startsWith("qmail-local: worker: recvmsg on fd 0 failed"), r.stderr());
        assertEquals(new Run(100, "", Arguments.USAGE + "\n"), qmailLocal("--worker", "x"), "only alone it is the flag");
    }
}
