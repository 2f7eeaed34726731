package org.jqmail.rspawn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.jqmail.spawn.SpawnLoop;
import org.jqmail.spawn.Spawner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * qmail-rspawn's deliveries through the spawn loop with real processes: a stand-in qmail-remote script
 * gets the message on fd 0 and its arguments, and its output and exit become the report. (The request
 * checks of spawn.c are qmail-spawn's SpawnLoopTest.)
 */
class RemoteDeliveryTest {
    static final Spawner SPAWNER = Spawner.create();

    @TempDir Path dir;
    Path mess;
    Path program;
    int uid;

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
        uid = (Integer) Files.getAttribute(mess.resolve("28"), "unix:uid");
    }

    /** One request through the loop with {@code remote} as qmail-remote; the report, without the hello byte. */
    private String run(Path remote, int slot, String sender, String rcpt) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RemoteDelivery d = new RemoteDelivery(SPAWNER, remote.toString().getBytes(StandardCharsets.ISO_8859_1),
            List.of("PATH=/usr/bin:/bin".getBytes(StandardCharsets.US_ASCII)));
        String req = (char) slot + "5/28\0" + sender + "\0" + rcpt + "\0";
        new SpawnLoop(SPAWNER, dir.resolve("queue/mess"), uid, d, out)
            .run(new ByteArrayInputStream(req.getBytes(StandardCharsets.ISO_8859_1)));
        byte[] all = out.toByteArray();
        assertEquals(SpawnLoop.SLOTS, all[0] & 0xff, "hello byte");
        return new String(all, 1, all.length - 1, StandardCharsets.ISO_8859_1);
    }

    private String run(int slot, String sender, String rcpt) throws Exception {
        return run(program, slot, sender, rcpt);
    }

    @Test
    void deliveryGetsHostSenderRecipientAndTheMessage() throws Exception {
        assertEquals("\u0003Khost=example.com sender=alice@example.net rcpt=joe@x@example.com msg=Subject: hi\n\nbody\n\0",
            run(3, "alice@example.net", "joe@x@example.com"));
    }

    @Test
    void childOutcomes() throws Exception {
        assertEquals("\u0000Zqmail-remote crashed.\n\0", run(0, "a@b", "crash@x"));
        assertEquals("\u0000ZUnable to run qmail-remote.\n\0", run(0, "a@b", "exit111@x"));
        assertEquals("\u0000DUnable to run qmail-remote.\n\0", run(0, "a@b", "exit1@x"));
        assertEquals("\u0000Zqmail-remote produced no output.\n\0", run(0, "a@b", "silent@x"));
        // fd 2 is the same pipe as fd 1: what goes to stderr lands in front of the reports (and mangles
        // them, as in qmail), which is why qmail-remote never writes to fd 2.
        assertEquals("\u0000Ko stderr\nr\0", run(0, "a@b", "err@x"));
    }

    @Test
    void missingProgramIsTemporary() throws Exception {
        assertEquals("\u0001ZUnable to run qmail-remote.\n\0", run(dir.resolve("nope"), 1, "a@b", "j@x"));
    }

    @Test
    void manyAtOnce() throws Exception {
        Files.writeString(program, "#!/bin/sh\nsleep 0.3; printf 'r\\0Kok\\0'\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RemoteDelivery d = new RemoteDelivery(SPAWNER, program.toString().getBytes(StandardCharsets.ISO_8859_1), List.of());
        StringBuilder req = new StringBuilder();
        for (int i = 0; i < 10; i++) req.append((char) i).append("5/28\0a@b\0j@x\0");
        new SpawnLoop(SPAWNER, dir.resolve("queue/mess"), uid, d, out)
            .run(new ByteArrayInputStream(req.toString().getBytes(StandardCharsets.ISO_8859_1)));
        String s = out.toString(StandardCharsets.ISO_8859_1);
        assertEquals(1 + 10 * "_Kok\0".length(), s.length(), s);
        for (int i = 0; i < 10; i++) assertEquals(true, s.contains((char) i + "Kok\0"), "slot " + i);
    }
}
