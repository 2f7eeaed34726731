package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jqmail.common.CdbWriter;
import org.jqmail.common.QmailRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * qmail-smtpd-server in this JVM on 127.0.0.1 and a free port, with real sockets, a real rules cdb
 * and a qmail-queue stand-in ($QMAILQUEUE: a shell script keeping what it reads on fd 0 and fd 1).
 * Clients bound to 127.0.0.2 play the strangers.
 */
class ServerTest {
    @TempDir
    Path tmp;
    private Path root;
    private Path rules;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    /** Each write the log's PrintStream makes: one per log line unless lines are written together. */
    private final List<String> logWrites = java.util.Collections.synchronizedList(new ArrayList<>());
    private Server server;
    private Thread acceptor;
    private String oldRoot;

    @BeforeEach
    void makeRoot() throws IOException {
        root = tmp.resolve("root");
        Files.createDirectories(root.resolve("control"));
        Files.writeString(root.resolve("control/me"), "mx.example\n");
        Files.writeString(root.resolve("control/rcpthosts"), "mx.example\n");
        Files.createDirectories(tmp.resolve("q1"));
        Files.createDirectories(tmp.resolve("q2"));
        standIn("qq1", "q1");
        standIn("qq2", "q2");
        // the service's rules, plus a stranger's network with its own DATABYTES and QMAILQUEUE, and one denied
        Map<String, String> m = new LinkedHashMap<>();
        m.put("127.0.0.1", "+RELAYCLIENT=\0");
        m.put("127.0.0.2", "+DATABYTES=20\0+QMAILQUEUE=" + tmp.resolve("qq2") + "\0");
        m.put("127.0.0.3", "D\0");
        m.put("", "");
        rules = tmp.resolve("tcp.smtp.cdb");
        try (FileChannel ch = FileChannel.open(rules, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            CdbWriter w = new CdbWriter(ch);
            for (Map.Entry<String, String> e : m.entrySet()) {
                w.add(e.getKey().getBytes(StandardCharsets.ISO_8859_1), e.getValue().getBytes(StandardCharsets.ISO_8859_1));
            }
            w.finish();
        }
        oldRoot = System.getProperty(QmailRoot.PROPERTY);
        System.setProperty(QmailRoot.PROPERTY, root.toString());
    }

    private void standIn(String name, String dir) throws IOException {
        Path qq = tmp.resolve(name);
        Files.writeString(qq, "#!/bin/sh\ncat > '" + tmp.resolve(dir) + "/msg.'$$ && cat <&1 > '" + tmp.resolve(dir) + "/env.'$$\n");
        Files.setPosixFilePermissions(qq, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
        if (acceptor != null) acceptor.join(10_000);
        if (oldRoot == null) System.clearProperty(QmailRoot.PROPERTY);
        else System.setProperty(QmailRoot.PROPERTY, oldRoot);
    }

    private void start(String... args) throws Exception {
        String[] all = Stream.concat(Stream.of(args), Stream.of("127.0.0.1", "0")).toArray(String[]::new);
        // the process environment of a server started by its run script: nothing of a client's
        Map<String, String> base = Map.of("PATH", "/usr/bin:/bin", "QMAILQUEUE", tmp.resolve("qq1").toString());
        OutputStream counted = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (logBytes) {
                    logBytes.write(b, off, len);
                }
                logWrites.add(new String(b, off, len, StandardCharsets.US_ASCII));
            }
        };
        server = Server.bind(ServerArgs.parse(all), base, new PrintStream(counted, true, StandardCharsets.US_ASCII));
        acceptor = Thread.ofPlatform().start(server::serve);
    }

    /** One SMTP client; {@code from} is the local address to connect from. */
    private final class Client implements AutoCloseable {
        final Socket s = new Socket();
        final InputStream in;
        final OutputStream out;

        Client(String from) throws IOException {
            s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(20_000);
            in = s.getInputStream();
            out = s.getOutputStream();
        }

        /** One reply line without CR LF, or null at the end of the stream. */
        String line() throws IOException {
            StringBuilder b = new StringBuilder();
            for (int c; (c = in.read()) >= 0; ) {
                if (c == '\n') return b.toString().replaceAll("\r$", "");
                b.append((char) c);
                if (b.length() > 4096) throw new IOException("reply too long");
            }
            return b.isEmpty() ? null : b.toString();
        }

        /** Sends {@code command} and returns the last line of its (possibly multi-line) reply. */
        String say(String command) throws IOException {
            send(command);
            String l;
            while ((l = line()) != null && l.length() > 3 && l.charAt(3) == '-') {
                // continuation lines of EHLO
            }
            return l;
        }

        void send(String command) throws IOException {
            out.write((command + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            s.close();
        }
    }

    private static List<Path> files(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    private static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
    }

    @Test
    void relayingIsDecidedPerConnectionEvenWhenTwoSessionsInterleave() throws Exception {
        start("-x", rules.toString(), "-l", "lname.example");
        try (Client local = new Client("127.0.0.1"); Client stranger = new Client("127.0.0.2")) {
            assertEquals("220 mx.example ESMTP", local.line());
            assertEquals("220 mx.example ESMTP", stranger.line());
            assertEquals("250 SIZE", local.say("EHLO l.example"));
            assertEquals("250 SIZE 20", stranger.say("EHLO s.example"), "DATABYTES from the stranger's rule");
            assertEquals("250 ok", local.say("MAIL FROM:<a@l.example>"));
            assertEquals("250 ok", stranger.say("MAIL FROM:<a@s.example>"));
            assertEquals("250 ok", local.say("RCPT TO:<friend@elsewhere.example>"));
            assertEquals("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)",
                stranger.say("RCPT TO:<victim@elsewhere.example>"));
            assertEquals("250 ok", stranger.say("RCPT TO:<joe@mx.example>"));
            assertEquals("354 go ahead", local.say("DATA"));
            assertEquals("354 go ahead", stranger.say("DATA"));
            stranger.send("Subject: s\r\n\r\nshort\r\n.");
            assertTrue(stranger.line().matches("250 ok \\d+ qp \\d+"));
            local.send("Subject: l\r\n\r\nfrom localhost\r\n.");
            assertTrue(local.line().matches("250 ok \\d+ qp \\d+"));
            assertEquals("221 mx.example", local.say("QUIT"));
            assertEquals("221 mx.example", stranger.say("QUIT"));
        }
        // each message went to its connection's QMAILQUEUE, with its connection's TCP environment
        List<Path> env1 = files(tmp.resolve("q1"), "env.");
        List<Path> env2 = files(tmp.resolve("q2"), "env.");
        assertEquals(1, env1.size());
        assertEquals(1, env2.size());
        assertEquals("Fa@l.example\0Tfriend@elsewhere.example\0\0", read(env1.get(0)));
        assertEquals("Fa@s.example\0Tjoe@mx.example\0\0", read(env2.get(0)));
        String m1 = read(files(tmp.resolve("q1"), "msg.").get(0));
        String m2 = read(files(tmp.resolve("q2"), "msg.").get(0));
        assertTrue(m1.startsWith("Received: from unknown (HELO l.example) (127.0.0.1)\n  by lname.example with SMTP; "), m1);
        assertTrue(m2.startsWith("Received: from unknown (HELO s.example) (127.0.0.2)\n  by lname.example with SMTP; "), m2);
    }

    @Test
    void databytesOfOneConnectionDoesNotLimitAnother() throws Exception {
        start("-x", rules.toString());
        String big = "x".repeat(100);
        try (Client stranger = new Client("127.0.0.2"); Client local = new Client("127.0.0.1")) {
            for (Client c : List.of(stranger, local)) {
                c.line();
                c.say("MAIL FROM:<a@b.example>");
                c.say("RCPT TO:<joe@mx.example>");
                assertEquals("354 go ahead", c.say("DATA"));
                c.send(big + "\r\n.");
            }
            assertEquals("552 sorry, that message size exceeds my databytes limit (#5.3.4)", stranger.line());
            assertTrue(local.line().startsWith("250 ok "));
        }
        // qmail-queue got no envelope (a real one exits 54 and queues nothing)
        assertEquals(1, files(tmp.resolve("q2"), "env.").size());
        for (Path env : files(tmp.resolve("q2"), "env.")) assertEquals("", read(env), "no envelope for the refused message");
    }

    @Test
    void aDeniedClientIsClosedWithoutAWordAndTheLogSaysSo() throws Exception {
        start("-v", "-x", rules.toString());
        try (Client denied = new Client("127.0.0.3")) {
            assertNull(denied.line());
        }
        try (Client ok = new Client("127.0.0.1")) {
            assertEquals("220 mx.example ESMTP", ok.line());
            assertEquals("221 mx.example", ok.say("QUIT"));
        }
        // a connection's end is logged after it no longer counts as active
        waitFor(() -> server.active() == 0 && logBytes.toString(StandardCharsets.US_ASCII).contains("end 2 status 0\n"));
        String log = logBytes.toString(StandardCharsets.US_ASCII);
        assertTrue(log.matches("(?s)qmail-smtpd-server: status: 0/40\n.*qmail-smtpd-server: pid 1 from 127\\.0\\.0\\.3\n"
            + ".*qmail-smtpd-server: deny 1 :127\\.0\\.0\\.1:\\d+ :127\\.0\\.0\\.3::\\d+\n.*"
            + "qmail-smtpd-server: ok 2 :127\\.0\\.0\\.1:\\d+ :127\\.0\\.0\\.1::\\d+\n.*qmail-smtpd-server: end 2 status 0\n.*"), log);
    }

    @Test
    void aConnectionsStartAndItsEndAreLoggedInOneWriteEach() throws Exception {
        start("-v", "-x", rules.toString());
        waitFor(() -> !logWrites.isEmpty()); // serve()'s first status line
        logWrites.clear();
        try (Client ok = new Client("127.0.0.1")) {
            assertEquals("220 mx.example ESMTP", ok.line());
            assertEquals("221 mx.example", ok.say("QUIT"));
        }
        waitFor(() -> server.active() == 0 && logWrites.size() >= 2);
        assertEquals(2, logWrites.size(), logWrites.toString());
        assertTrue(logWrites.get(0).matches("qmail-smtpd-server: status: 1/40\n"
            + "qmail-smtpd-server: pid \\d+ from 127\\.0\\.0\\.1\n"
            + "qmail-smtpd-server: ok \\d+ :127\\.0\\.0\\.1:\\d+ :127\\.0\\.0\\.1::\\d+\n"), logWrites.get(0));
        assertTrue(logWrites.get(1).matches("qmail-smtpd-server: end \\d+ status 0\nqmail-smtpd-server: status: 0/40\n"),
            logWrites.get(1));
    }

    @Test
    void withoutItsRulesFileAConnectionIsDroppedUnlessDashX() throws Exception {
        Path missing = tmp.resolve("missing.cdb");
        start("-x", missing.toString());
        try (Client c = new Client("127.0.0.1")) {
            assertNull(c.line());
        }
        // the connection's lines are written after it is closed (as tcpserver logs a child's end after its exit)
        String dropped = "dropping connection, unable to read " + missing;
        waitFor(() -> logBytes.toString(StandardCharsets.US_ASCII).contains(dropped));
        assertTrue(logBytes.toString(StandardCharsets.US_ASCII).contains(dropped));
        server.close();
        acceptor.join(10_000);
        start("-X", "-x", missing.toString());
        try (Client c = new Client("127.0.0.2")) {
            assertEquals("220 mx.example ESMTP", c.line());
            assertEquals("250 ok", c.say("MAIL FROM:<a@b>"));
            assertEquals("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", c.say("RCPT TO:<x@elsewhere.example>"));
        }
    }

    @Test
    void beyondTheLimitAConnectionWaitsUnacceptedUntilAnotherEnds() throws Exception {
        start("-c", "1");
        Client first = new Client("127.0.0.1");
        assertEquals("220 mx.example ESMTP", first.line());
        try (Client second = new Client("127.0.0.1")) { // the kernel completes the handshake: backlog
            second.s.setSoTimeout(1500);
            try {
                int b = second.in.read();
                throw new AssertionError("the second connection was served while the first is: " + b);
            } catch (SocketTimeoutException expected) {
                // not accepted yet
            }
            assertEquals("221 mx.example", first.say("QUIT"));
            first.close();
            second.s.setSoTimeout(20_000);
            assertEquals("220 mx.example ESMTP", second.line());
        }
    }

    @Test
    void aClientThatNeverSpeaksIsTimedOutWhileOthersAreServed() throws Exception {
        Files.writeString(root.resolve("control/timeoutsmtpd"), "1\n");
        start();
        try (Client silent = new Client("127.0.0.1")) {
            assertEquals("220 mx.example ESMTP", silent.line());
            long t0 = System.nanoTime();
            try (Client busy = new Client("127.0.0.1")) {
                busy.line();
                assertEquals("250 ok", busy.say("NOOP"));
            }
            assertEquals("451 timeout (#4.4.2)", silent.line());
            assertNull(silent.line(), "and the connection is closed");
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(15));
        }
        try (Client next = new Client("127.0.0.1")) {
            assertEquals("220 mx.example ESMTP", next.line());
        }
    }

    private String greeting() throws IOException {
        try (Client c = new Client("127.0.0.1")) {
            String g = c.line();
            c.say("QUIT");
            return g;
        }
    }

    @Test
    void aChangedControlCountsFromTheNextConnectionThoughTheServerKeepsWhatItRead() throws Exception {
        Thread.sleep(ControlStamp.RACY_MILLIS + 200); // past the racy window of makeRoot's files: kept from now on
        start();
        assertEquals("220 mx.example ESMTP", greeting());
        assertEquals("220 mx.example ESMTP", greeting());
        Files.writeString(root.resolve("control/smtpgreeting"), "new.example\n");
        assertEquals("220 new.example ESMTP", greeting());
        Files.delete(root.resolve("control/smtpgreeting"));
        assertEquals("220 mx.example ESMTP", greeting());
    }

    @Test
    void twoHundredConnectionsLeaveNoThreadOrDescriptorBehind() throws Exception {
        Files.writeString(root.resolve("control/morercpthosts"), "more.example\n");
        try (FileChannel ch = FileChannel.open(root.resolve("control/morercpthosts.cdb"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            CdbWriter w = new CdbWriter(ch); // opened by every session: its descriptor must be given back
            w.add("more.example".getBytes(StandardCharsets.US_ASCII), new byte[0]);
            w.finish();
        }
        start("-x", rules.toString());
        try (Client warm = new Client("127.0.0.1")) { // the first session loads classes and opens jars
            warm.line();
            warm.say("QUIT");
        }
        waitFor(() -> server.active() == 0);
        int fds = openFds();
        int threads = threadsBesidesIdleSessionThreads();
        for (int i = 0; i < 200; i++) {
            try (Client c = new Client(i % 2 == 0 ? "127.0.0.1" : "127.0.0.2")) {
                assertEquals("220 mx.example ESMTP", c.line());
                if (i % 50 == 0) {
                    c.say("MAIL FROM:<a@b.example>");
                    assertEquals("250 ok", c.say("RCPT TO:<joe@more.example>"));
                    c.say("DATA");
                    c.send("hi\r\n.");
                    assertTrue(c.line().startsWith("250 ok "));
                }
                if (i % 3 == 0) {
                    assertEquals("221 mx.example", c.say("QUIT"));
                } // else the client just goes away
            }
        }
        waitFor(() -> server.active() == 0);
        waitFor(() -> threadsBesidesIdleSessionThreads() <= threads + 2);
        assertTrue(threadsBesidesIdleSessionThreads() <= threads + 2, "threads: " + threads + " -> " + threadsBesidesIdleSessionThreads());
        // Session threads are kept idle for a minute for reuse (ReusedThreads). A client that just goes
        // away overlaps its session's end (the server's read of EOF) with the next sessions, so some are
        // kept (15 seen), bounded by the peak of concurrent sessions: far fewer than one per session.
        assertTrue(idleSessionThreads() <= 50, "idle session threads: " + idleSessionThreads());
        waitFor(() -> openFds() <= fds + 2);
        assertTrue(openFds() <= fds + 2, "fds: " + fds + " -> " + openFds());
        assertEquals(4, files(tmp.resolve("q1"), "env.").size() + files(tmp.resolve("q2"), "env.").size());
    }

    /** Idle pooled session threads carry the pool's name, smtpdN; a busy one is smtpd-N. */
    private static boolean idleSessionThread(Thread t) {
        return t.getName().matches("smtpd[0-9]+");
    }

    private static int idleSessionThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(ServerTest::idleSessionThread).count();
    }

    private static int threadsBesidesIdleSessionThreads() {
        return Thread.getAllStackTraces().size() - idleSessionThreads();
    }

    private static int openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private interface Condition {
        boolean holds();
    }

    /** Waits a bounded time (10 s) for {@code c}; the caller asserts afterwards. */
    private static void waitFor(Condition c) throws InterruptedException {
        for (int i = 0; i < 200 && !c.holds(); i++) Thread.sleep(50);
    }
}
