package org.jqmail.rspawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.jqmail.spawn.Spawner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spawner with real processes: a stand-in qmail-remote script gets the message on fd 0. */
class RemoteSpawnTest {
    @TempDir Path dir;
    Path mess;
    Path program;
    ByteArrayOutputStream out;
    RemoteSpawn spawn;

    @BeforeEach
    void setUp() throws Exception {
        mess = Files.createDirectories(dir.resolve("queue/mess/5"));
        Files.writeString(mess.resolve("28"), "Subject: hi\n\nbody\n");
        program = dir.resolve("fake-remote");
        // Prints its arguments and the message as qmail-remote's reports; RCPT "crash" kills itself etc.
        Files.writeString(program, """
            #!/bin/sh
            case "$3" in
              crash@*) kill -9 $$ ;;
              exit111@*) exit 111 ;;
              exit1@*) exit 1 ;;
              silent@*) exit 0 ;;
              err@*) echo "to stderr" >&2; printf 'r\\0K' ; printf '\\0'; exit 0 ;;
            esac
            printf 'r\\0Khost=%s sender=%s rcpt=%s msg=%s\\n\\0' "$1" "$2" "$3" "$(cat)"
            """);
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        out = new ByteArrayOutputStream();
        int uid = (Integer) Files.getAttribute(mess.resolve("28"), "unix:uid");
        spawn = new RemoteSpawn(Spawner.create(), dir.resolve("queue/mess"), uid,
            program.toString().getBytes(StandardCharsets.ISO_8859_1), List.of("PATH=/usr/bin:/bin".getBytes()), out);
    }

    private String run(int slot, String messid, String sender, String rcpt) throws Exception {
        spawn.start(new Request(slot, b(messid), b(sender), b(rcpt), false));
        spawn.awaitAll();
        String s = out.toString(StandardCharsets.ISO_8859_1);
        out.reset();
        return s;
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void hello() throws Exception {
        spawn.hello();
        assertEquals(120, out.toByteArray()[0] & 0xff);
    }

    @Test
    void delivery() throws Exception {
        assertEquals("\u0003Khost=example.com sender=alice@example.net rcpt=joe@x@example.com msg=Subject: hi\n\nbody\n\0",
            run(3, "5/28", "alice@example.net", "joe@x@example.com"));
    }

    @Test
    void childOutcomes() throws Exception {
        assertEquals("\u0000Zqmail-remote crashed.\n\0", run(0, "5/28", "a@b", "crash@x"));
        assertEquals("\u0000ZUnable to run qmail-remote.\n\0", run(0, "5/28", "a@b", "exit111@x"));
        assertEquals("\u0000DUnable to run qmail-remote.\n\0", run(0, "5/28", "a@b", "exit1@x"));
        assertEquals("\u0000Zqmail-remote produced no output.\n\0", run(0, "5/28", "a@b", "silent@x"));
        // fd 2 is the same pipe as fd 1: what goes to stderr lands in front of the reports (and mangles
        // them, as in qmail), which is why qmail-remote never writes to fd 2.
        assertEquals("\u0000Ko stderr\nr\0", run(0, "5/28", "a@b", "err@x"));
    }

    @Test
    void refusedRequests() throws Exception {
        assertEquals("\u0001DInternal error: messid has nonnumerics. (#5.3.5)\n\0", run(1, "5/../28", "a@b", "j@x"));
        assertEquals("\u0001DInternal error: messid has nonnumerics. (#5.3.5)\n\0", run(1, "/5/28", "a@b", "j@x"));
        assertEquals("\u0001DInternal error: messid too short. (#5.3.5)\n\0", run(1, "", "a@b", "j@x"));
        assertEquals("\u0001DInternal error: messid too long. (#5.3.5)\n\0", run(1, "1".repeat(101), "a@b", "j@x"));
        assertEquals("\u0001DSorry, address must include host name. (#5.1.3)\n\0", run(1, "5/28", "a@b", "joe"));
        assertEquals("\u0001Zqmail-spawn unable to open message. (#4.3.0)\n\0", run(1, "5/29", "a@b", "j@x"));
        Files.createDirectory(mess.resolve("30"));
        assertEquals("\u0001ZSorry, message has wrong type. (#4.3.5)\n\0", run(1, "5/30", "a@b", "j@x"));
        assertEquals("\u00c8ZInternal error: delnum too big. (#4.3.5)\n\0", run(200, "5/28", "a@b", "j@x"));
        spawn.start(new Request(2, b("5/28"), b("a"), b("j@x"), true));
        assertEquals("\u0002Zqmail-spawn out of memory. (#4.3.0)\n\0", out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void wrongOwner() throws Exception {
        RemoteSpawn other = new RemoteSpawn(Spawner.create(), dir.resolve("queue/mess"), 4242,
            program.toString().getBytes(), List.of(), out);
        other.start(new Request(1, b("5/28"), b("a@b"), b("j@x"), false));
        assertEquals("\u0001ZSorry, message has wrong owner. (#4.3.5)\n\0", out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void missingProgramIsTemporary() throws Exception {
        RemoteSpawn none = new RemoteSpawn(Spawner.create(), dir.resolve("queue/mess"),
            (Integer) Files.getAttribute(mess.resolve("28"), "unix:uid"), dir.resolve("nope").toString().getBytes(), List.of(), out);
        none.start(new Request(1, b("5/28"), b("a@b"), b("j@x"), false));
        none.awaitAll();
        String s = out.toString(StandardCharsets.ISO_8859_1);
        assertTrue(s.equals("\u0001ZUnable to run qmail-remote.\n\0"), s);
    }

    @Test
    void manyAtOnceAndSlotInUse() throws Exception {
        Files.writeString(program, "#!/bin/sh\nsleep 0.3; printf 'r\\0Kok\\0'\n");
        for (int i = 0; i < 10; i++) spawn.start(new Request(i, b("5/28"), b("a@b"), b("j@x"), false));
        spawn.start(new Request(4, b("5/28"), b("a@b"), b("j@x"), false));
        spawn.awaitAll();
        String s = out.toString(StandardCharsets.ISO_8859_1);
        assertTrue(s.startsWith("\u0004ZInternal error: delnum in use. (#4.3.5)\n\0"), s);
        assertEquals(11, s.chars().filter(c -> c == 0).count() - 1, s); // 10 reports + the refusal, slot 0 is a NUL too
    }
}
