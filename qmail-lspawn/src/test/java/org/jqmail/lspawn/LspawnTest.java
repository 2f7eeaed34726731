package org.jqmail.lspawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jqmail.common.CdbWriter;
import org.jqmail.spawn.IdentityPrefix;
import org.jqmail.spawn.SpawnLoop;
import org.jqmail.spawn.Spawner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * qmail-lspawn's deliveries through the spawn loop, with a stand-in qmail-local (a shell script that prints its arguments and
 * exits with the code its extension names) and a stand-in qmail-getpw; no identity change, so it runs
 * as any user. Requests go in as qmail-send writes them; reports are read back by slot.
 */
class LspawnTest {
    static final Spawner SPAWNER = Spawner.create();

    @TempDir
    Path tmp;
    Path mess;
    int me;

    @BeforeEach
    void setUp() throws IOException {
        mess = Files.createDirectories(tmp.resolve("mess/0"));
        Files.writeString(mess.resolve("23"), "Subject: hi\n\nbody\n");
        me = (Integer) Files.getAttribute(mess.resolve("23"), "unix:uid");
        script("qmail-local", "printf '%s|' \"$@\"; cat >/dev/null; case \"$6\" in [0-9]*) exit $6 ;; esac; exit 0");
        // qmail-getpw: "getpwuser" for anything, uid 4242, home /nonexistent, dash "-", ext = the local part
        script("qmail-getpw", "printf 'getpwuser\\0004242\\0004242\\000/home/gp\\000-\\000%s\\000' \"$1\"");
        try (FileChannel ch = FileChannel.open(tmp.resolve("cdb"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            CdbWriter w = new CdbWriter(ch);
            w.add(new byte[0], "-".getBytes(StandardCharsets.US_ASCII));
            w.add(b("!joe\0"), b("joe\0001001\0001001\0/home/joe\0\0\0"));
            w.add(b("!list-"), b("lists\0001002\0001002\0/home/lists\0-\0"));
            w.add(b("!root\0"), b("root\0000\0000\0/root\0\0\0"));
            w.finish();
        }
    }

    private void script(String name, String body) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Runs the loop on {@code requests}; returns the reports by slot, and checks the hello byte. */
    private Map<Integer, String> run(String requests) throws Exception {
        List<byte[]> env = List.of(b("PATH=/usr/bin:/bin"));
        int devNull = SPAWNER.openRead(Path.of("/dev/null"));
        Getpw getpw = new Getpw(SPAWNER, tmp.resolve("qmail-getpw"), IdentityPrefix.NONE, 0, 0, env, devNull);
        LocalDelivery d = new LocalDelivery(SPAWNER, tmp.resolve("qmail-local"), IdentityPrefix.NONE,
            new UsersCdb(tmp.resolve("cdb")), getpw, b("./Maildir/"), env);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SpawnLoop(SPAWNER, tmp.resolve("mess"), me, d, out).run(new java.io.ByteArrayInputStream(b(requests)));
        SPAWNER.close(devNull);
        byte[] r = out.toByteArray();
        assertEquals(SpawnLoop.SLOTS, r[0] & 0xff, "hello byte");
        Map<Integer, String> reports = new HashMap<>();
        int start = 1; // each report: a slot byte (which may be 0), the text, NUL
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

    private static String req(int slot, String messid, String sender, String rcpt) {
        return (char) slot + messid + "\0" + sender + "\0" + rcpt + "\0";
    }

    @Test
    void usersCdbExactAndWildcardAndGetpw() throws Exception {
        Map<Integer, String> r = run(req(0, "0/23", "a@b", "Joe@Example.COM")
            + req(1, "0/23", "a@b", "list-Owner@lists.example")
            + req(2, "0/23", "", "zed-x@example.com"));
        assertEquals("K--|joe|/home/joe|Joe|||Example.COM|a@b|./Maildir/|", r.get(0));
        assertEquals("K--|lists|/home/lists|list-Owner|-|Owner|lists.example|a@b|./Maildir/|", r.get(1));
        assertEquals("K--|getpwuser|/home/gp|zed-x|-|zed-x|example.com||./Maildir/|", r.get(2));
    }

    @Test
    void exitCodesBecomeVerdicts() throws Exception {
        // the stand-in exits with the number in its ext argument (users/cdb: "list-" + ext)
        Map<Integer, String> r = run(req(0, "0/23", "s", "list-111@x") + req(1, "0/23", "s", "list-100@x")
            + req(2, "0/23", "s", "list-75@x") + req(3, "0/23", "s", "list-113@x") + req(4, "0/23", "s", "list-99@x"));
        assertTrue(r.get(0).startsWith("Z--|lists|"), r.get(0));
        assertTrue(r.get(1).startsWith("D--|lists|"), r.get(1));
        assertTrue(r.get(2).startsWith("Z--|lists|"), r.get(2));
        assertEquals("ZNot allowed to perform deliveries as root.\n", r.get(3));
        assertTrue(r.get(4).startsWith("D--|"), "an unlisted code bounces, as qmail: " + r.get(4));
    }

    @Test
    void rootIsNeverADeliveryUser() throws Exception {
        assertEquals("ZNot allowed to perform deliveries as root.\n", run(req(7, "0/23", "s", "root@x")).get(7));
    }

    @Test
    void trashAddressIsDeliveredWithoutRunningAnything() throws Exception {
        assertEquals("K", run(req(3, "0/23", "s", "@example.com")).get(3));
    }

    @Test
    void longOutputIsCutAsQmailLspawnDoes() throws Exception {
        script("qmail-local", "cat >/dev/null; head -c 100000 /dev/zero | tr '\\0' x; exit 0");
        String r = run(req(0, "0/23", "s", "joe@x")).get(0);
        assertEquals(CappedOutput.QMAIL_LSPAWN_LIMIT - 3 + 1, r.length());
        assertTrue(r.endsWith(CappedOutput.NOTE), r.substring(r.length() - 40));
    }

    @Test
    void aMissingQmailLocalIsTemporary() throws Exception {
        Files.delete(tmp.resolve("qmail-local"));
        assertEquals("ZUnable to run qmail-local.\n", run(req(0, "0/23", "s", "joe@x")).get(0));
    }
}
