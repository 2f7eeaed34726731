package org.jqmail.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jqmail.tcpto.TcptoTable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RemoteRun}, the delivery qmail-rspawn calls in its own JVM: for each case its report bytes are
 * compared with what the qmail-remote program (Main, in a JVM of its own, message on fd 0) prints for
 * the same root, arguments and server; and many deliveries run at once through one RemoteRun.
 */
class RemoteRunTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());

    @TempDir Path root;
    Path message;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(root.resolve("control"));
        Files.createDirectories(root.resolve("queue/lock"));
        Files.write(root.resolve("queue/lock/tcpto"), new byte[TcptoTable.SIZE]);
        Files.writeString(root.resolve("control/helohost"), "helo.example.net\n");
        Files.writeString(root.resolve("control/dnsip"), "127.0.0.1:9\n"); // never asked: the routes name addresses
        message = Files.writeString(root.resolve("message"), "Subject: hi\n\n.dot\nbody\n");
    }

    void route(int port) throws Exception {
        Files.writeString(root.resolve("control/smtproutes"), "example.com:127.0.0.1:" + port + "\n");
    }

    /** RemoteRun's output for {@code args}, the message read from a channel on the file, as qmail-rspawn does. */
    String inProcess(RemoteRun run, List<String> args, Path msg) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (FileChannel ch = FileChannel.open(msg, StandardOpenOption.READ)) {
            assertEquals(0, run.deliver(args, ch, out));
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** bin/qmail-remote's output: Main in a JVM of its own, the message file on fd 0, as qmail-rspawn spawns it. */
    String program(List<String> args, Path msg) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), "-Djqmail.root=" + root, Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(msg.toFile()).redirectErrorStream(true);
        pb.environment().remove("DNSCACHEIP");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /** Both ways against a scripted server; they must agree, and the in-process output is returned. */
    String both(Function<String, String> script, List<String> args, Path msg) throws Exception {
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", script)) {
            route(s.port());
            String mine = inProcess(new RemoteRun(root, null), args, msg);
            assertEquals(program(args, msg), mine);
            return mine;
        }
    }

    static Function<String, String> replying(String command, String reply) {
        return cmd -> cmd.toUpperCase().startsWith(command) ? reply : FakeSmtp.happy().apply(cmd);
    }

    static final List<String> ARGS = List.of("example.com", "alice@example.net", "joe@example.com");

    @Test
    void successIsTheProgramsReport() throws Exception {
        assertEquals("r\0K127.0.0.1 accepted message.\nRemote host said: 250 ok 123 qp 456\n\0",
            both(FakeSmtp.happy(), ARGS, message));
    }

    @Test
    void temporaryAndPermanentRefusalsAreTheProgramsReports() throws Exception {
        assertEquals("s127.0.0.1 does not like recipient.\nRemote host said: 450 try later\n\0"
            + "DGiving up on 127.0.0.1.\n\0", both(replying("RCPT", "450 try later\r\n"), ARGS, message));
        assertEquals("h127.0.0.1 does not like recipient.\nRemote host said: 550 no such user\n\0"
            + "DGiving up on 127.0.0.1.\n\0", both(replying("RCPT", "550 no such user\r\n"), ARGS, message));
        assertEquals("r\0Z127.0.0.1 failed after I sent the message.\nRemote host said: 451 disk full\n\0",
            both(replying(".", "451 disk full\r\n"), ARGS, message));
        assertEquals("r\0D127.0.0.1 failed after I sent the message.\nRemote host said: 554 spam\n\0",
            both(replying(".", "554 spam\r\n"), ARGS, message));
    }

    @Test
    void refusedConnectionIsTheProgramsReport() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, Harness.LOOP1)) {
            closed = s.getLocalPort();
        }
        route(closed);
        String mine = inProcess(new RemoteRun(root, null), ARGS, message);
        assertEquals("ZSorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n\0", mine);
        assertEquals(program(ARGS, message), mine);
    }

    @Test
    void usagePartialLineAndMissingControlsAreTheProgramsReports() throws Exception {
        assertEquals("DI (qmail-remote) was invoked improperly. (#5.3.5)\n\0",
            both(FakeSmtp.happy(), ARGS.subList(0, 2), message));
        Path partial = Files.writeString(root.resolve("partial"), "Subject: hi\n\nno newline");
        assertEquals("r\0DSMTP cannot transfer messages with partial final lines. (#5.6.2)\n\0",
            both(FakeSmtp.happy(), ARGS, partial));
        Files.delete(root.resolve("control/helohost"));
        assertEquals("ZUnable to read control files. (#4.3.0)\n\0", both(FakeSmtp.happy(), ARGS, message));
    }

    @Test
    void controlsAreReadAgainForEachDelivery() throws Exception {
        RemoteRun run = new RemoteRun(root, null);
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", FakeSmtp.happy())) {
            route(s.port());
            assertTrue(inProcess(run, ARGS, message).startsWith("r\0K127.0.0.1 accepted"));
            assertEquals("EHLO helo.example.net", s.commands.get(0));
            Files.writeString(root.resolve("control/helohost"), "changed.example.net\n");
            assertTrue(inProcess(run, ARGS, message).startsWith("r\0K127.0.0.1 accepted"));
            assertTrue(s.commands.contains("EHLO changed.example.net"), s.commands.toString());
        }
        Files.writeString(root.resolve("control/smtproutes"), "example.com:[127.0.0.1]:1\n");
        assertEquals("ZSorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n\0", inProcess(run, ARGS, message));
    }

    @Test
    void aChannelThatCannotSeekIsReadOnce() throws Exception {
        Path fifo = root.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mk.waitFor());
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                Files.writeString(fifo, "Subject: piped\n\nbody\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", FakeSmtp.happy())) {
            route(s.port());
            assertEquals("r\0K127.0.0.1 accepted message.\nRemote host said: 250 ok 123 qp 456\n\0",
                inProcess(new RemoteRun(root, null), ARGS, fifo));
            assertEquals("Subject: piped\r\n\r\nbody\r\n", new String(s.data, StandardCharsets.ISO_8859_1));
        }
        writer.join();
    }

    @Test
    void manyDeliveriesAtOnceThroughOneRun() throws Exception {
        route(greenMail.getSmtp().getPort());
        RemoteRun run = new RemoteRun(root, null);
        int threads = 8;
        int each = 5;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < threads * each; i++) {
                Path msg = Files.writeString(root.resolve("m" + i), "Subject: number " + i + "\n\nbody " + i + "\n");
                Callable<String> c = () -> inProcess(run, ARGS, msg);
                results.add(pool.submit(c));
            }
            for (Future<String> f : results) {
                String out = f.get(60, TimeUnit.SECONDS);
                assertTrue(out.startsWith("r\0K127.0.0.1 accepted message.\nRemote host said: 250 "), out);
                assertTrue(out.endsWith("\n\0"), out);
            }
        } finally {
            pool.shutdownNow();
        }
        Set<String> subjects = new HashSet<>();
        for (MimeMessage m : greenMail.getReceivedMessages()) subjects.add(m.getSubject());
        assertEquals(threads * each, subjects.size(), subjects.toString());
        for (int i = 0; i < threads * each; i++) assertTrue(subjects.contains("number " + i), "message " + i);
    }
}
