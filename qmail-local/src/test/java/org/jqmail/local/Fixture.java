package org.jqmail.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A home directory owned by the test user, a message file, and a way to run one delivery the way
 * qmail-lspawn would start qmail-local: user joe, recipient joe[-ext]@example.com, sender
 * alice@example.net, at a fixed time so that From lines are predictable.
 */
abstract class Fixture {
    static final long NOW = 1_700_000_000L; // Tue Nov 14 22:13:20 2023 UTC
    static final String MESSAGE = "Subject: hi\nFrom: alice@example.net\n\nFrom here on\nbody\n";

    @TempDir
    Path tmp;
    Path home;
    Path messageFile;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final RecordingForwarder forwarder = new RecordingForwarder();
    Delivery.Settings settings = new Delivery.Settings(60, 10_000, OutputBudget.DEFAULT_LIMIT);
    String sender = "alice@example.net";
    String domain = "example.com";
    boolean deliver = true;
    Self self = Self.current();

    @BeforeEach
    void makeHome() throws IOException {
        home = tmp.resolve("home");
        Files.createDirectory(home);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        message(MESSAGE);
    }

    void message(String text) throws IOException {
        messageFile = tmp.resolve("message");
        Files.writeString(messageFile, text, StandardCharsets.ISO_8859_1);
    }

    /** A .qmail file (name relative to home) with mode 0600. */
    Path dot(String name, String content) throws IOException {
        Path p = home.resolve(name);
        Files.writeString(p, content, StandardCharsets.ISO_8859_1);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    Path maildir(String name) throws IOException {
        Path m = home.resolve(name);
        for (String d : new String[] {"tmp", "new", "cur"}) Files.createDirectories(m.resolve(d));
        return m;
    }

    /** Delivers to joe + dash + ext; the default delivery is ./Mailbox as in qmail's usual setup. */
    Result run(String dash, String ext) throws IOException {
        return run(dash, ext, "./Mailbox\n");
    }

    Result run(String dash, String ext, String defaultDelivery) throws IOException {
        Arguments a = new Arguments(deliver, "joe", home.toString(), "joe" + dash + ext, dash, ext, domain, sender,
            defaultDelivery);
        try (Message m = Message.open(messageFile)) {
            return new Delivery(a, m, forwarder, settings, self, out, err, NOW).run();
        }
    }

    String out() {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    String err() {
        return err.toString(StandardCharsets.ISO_8859_1);
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.ISO_8859_1);
    }

    static List<Path> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** Records what would be queued; fails with a given qmail_close() report if one is set. */
    static final class RecordingForwarder implements Forwarder {
        final List<Call> calls = new ArrayList<>();
        String refuse;

        record Call(String sender, List<String> recipients, String message) {}

        @Override
        public long forward(String sender, List<String> recipients, byte[] deliveredTo, Message message)
                throws Failure {
            if (refuse != null) throw Forwarder.refused(refuse);
            message.rewind();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(deliveredTo);
            ByteBuffer buf = ByteBuffer.allocate(4096);
            int n;
            while ((n = message.read(buf.clear())) >= 0) b.write(buf.array(), 0, n);
            calls.add(new Call(sender, List.copyOf(recipients), b.toString(StandardCharsets.ISO_8859_1)));
            return 4242;
        }
    }
}
