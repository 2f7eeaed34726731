package org.jqmail.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/qmail-inject as a process, for what only a process shows: fds closed or closed early. */
class MainProcessTest {
    @TempDir
    Path tmp;

    private record Run(int exit, String err, String message, String envelope) {}

    /** Runs qmail-inject under /bin/sh with {@code redirect} applied to it (e.g. {@code 0<&-}). */
    private Run run(String feeder, String redirect, String... args) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root/control"));
        Files.writeString(root.resolve("me"), "mail.example.com\n");
        Path rec = Files.createDirectories(tmp.resolve("rec"));
        Path fake = tmp.resolve("fake-qq");
        Files.writeString(fake, "#!/bin/sh\ncat > '" + rec + "/message'\ncat <&1 > '" + rec + "/envelope'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = feeder + " exec '" + java + "' --enable-native-access=ALL-UNNAMED -Djqmail.root=" + tmp.resolve("root")
            + " -cp '" + System.getProperty("java.class.path") + "' org.jqmail.inject.Main " + String.join(" ", args)
            + " " + redirect;
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", cmd);
        pb.environment().put("QMAILQUEUE", fake.toString());
        pb.environment().put("USER", "joe");
        pb.redirectError(tmp.resolve("err").toFile()).redirectOutput(tmp.resolve("out").toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Path m = rec.resolve("message");
        Path e = rec.resolve("envelope");
        return new Run(p.exitValue(), Files.readString(tmp.resolve("err")), Files.exists(m) ? Files.readString(m) : null,
            Files.exists(e) ? Files.readString(e) : null);
    }

    @Test
    void aClosedStdinIsAReadErrorNotTheJvmsOwnFile() throws Exception {
        Run r = run("", "0<&-", "bob");
        assertEquals(111, r.exit(), r.err());
        assertEquals("qmail-inject: fatal: read error: standard input is not open\n", r.err());
        assertEquals(null, r.envelope(), "qmail-queue never started: nothing queued");
    }

    @Test
    void aWriterThatStopsMidHeaderStillGivesAMessage() throws Exception {
        Run r = run("printf 'To: bob\\nSubj' |", "");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.message().endsWith("From: joe@mail.example.com\nTo: bob@mail.example.com\n\nSubj\n"), r.message());
        assertEquals("Fjoe@mail.example.com\0Tbob@mail.example.com\0\0", r.envelope());
    }

    @Test
    void anEmptyMessageGetsTheAddedFieldsOnly() throws Exception {
        Run r = run("", "</dev/null", "bob");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.message().matches("Date: .*\nMessage-ID: <.*>\nFrom: joe@mail.example.com\n"
            + "Cc: recipient list not shown: ;\n"), r.message());
    }
}
