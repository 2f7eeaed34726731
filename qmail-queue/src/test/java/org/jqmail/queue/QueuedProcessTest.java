package org.jqmail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jqmail.common.Envelope;
import org.jqmail.common.QmailRoot;
import org.jqmail.queue.client.QueueClient;
import org.jqmail.queue.client.QueueResult;
import org.jqmail.queue.client.QueuedProtocol;
import org.jqmail.queue.client.SubmitOnce;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qmail-queued as its own process: injections through QueueClient, a kill mid-injection, and what a client JVM loads. */
class QueuedProcessTest {
    @TempDir
    Path tmp;
    QueueTree q;
    String savedRoot;
    Process daemon;

    @BeforeEach
    void setUp() throws Exception {
        q = new QueueTree(tmp.resolve("root"));
        Files.createDirectories(q.root.resolve("queued"));
        savedRoot = System.getProperty(QmailRoot.PROPERTY);
        System.setProperty(QmailRoot.PROPERTY, q.root.toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (daemon != null) {
            daemon.destroyForcibly();
            daemon.waitFor(30, TimeUnit.SECONDS);
        }
        if (savedRoot == null) System.clearProperty(QmailRoot.PROPERTY);
        else System.setProperty(QmailRoot.PROPERTY, savedRoot);
    }

    private void startDaemon() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(MainProcess.java(), "-XX:+UseSerialGC", "-Djqmail.root=" + q.root,
            "-cp", System.getProperty("java.class.path"), Queued.class.getName()));
        daemon = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("daemon.log").toFile()).start();
        Path log = tmp.resolve("daemon.log");
        for (int i = 0; i < 600; i++) {
            if (Files.exists(log) && Files.readString(log).contains("listening on")) return;
            assertTrue(daemon.isAlive(), () -> "qmail-queued died: " + read(log));
            Thread.sleep(50);
        }
        throw new AssertionError("qmail-queued did not start: " + read(log));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void injectsThroughQueueClientAndSurvivesARestart() throws Exception {
        startDaemon();
        Envelope env = new Envelope("a@example.org", List.of("b@example.org"));
        QueueResult r = QueueClient.submit("Subject: one\n\nbody\n".getBytes(StandardCharsets.US_ASCII), env);
        assertEquals(new QueueResult(r.pid(), 0, ""), r);
        assertTrue(r.pid() > Queued.FIRST_QP);
        String mess = Files.readString(q.queue.mess(q.onlyMessage()));
        assertTrue(mess.startsWith("Received: (qmail " + r.pid() + " invoked by uid "), mess);
        assertTrue(mess.endsWith("\nSubject: one\n\nbody\n"));

        daemon.destroy(); // SIGTERM, as svc -d; the socket file stays behind
        assertTrue(daemon.waitFor(30, TimeUnit.SECONDS));
        assertTrue(Files.exists(QueuedProtocol.socket(q.root)));
        startDaemon(); // replaces the stale socket
        assertTrue(QueueClient.submit("m\n".getBytes(StandardCharsets.US_ASCII), env).queued());
        assertEquals(2, q.todo().size());
    }

    @Test
    void killingTheDaemonMidInjectionLeavesNothingInTodo() throws Exception {
        startDaemon();
        QueueResult r;
        try (QueueClient qq = QueueClient.open()) {
            assertTrue(qq.pid() > Queued.FIRST_QP, "through the daemon");
            qq.message().write(new byte[1_000_000]);
            qq.message().flush();
            // the message is on its way into mess/; now the daemon dies, as on a crash or kill -9
            for (int i = 0; i < 200 && q.mess().isEmpty(); i++) Thread.sleep(25);
            assertFalse(q.mess().isEmpty(), "the injection had started");
            daemon.destroyForcibly();
            assertTrue(daemon.waitFor(30, TimeUnit.SECONDS));
            r = qq.close(new Envelope("a@example.org", List.of("b@example.org")));
        }
        assertEquals(QueueResult.CRASHED, r.exitCode());
        assertEquals("Zqq crashed (#4.3.0)", r.report());
        assertEquals(List.of(), q.todo(), "nothing committed");
        assertEquals(List.of(), q.intd());
        // what it left in mess/ is garbage for qmail-send's cleanup, as after a crashed qmail-queue
    }

    /** A JVM like qmail-smtpd's, making one submission; its class-loading log. */
    private String submitOnceLoading() throws Exception {
        Path log = tmp.resolve("classes-" + System.nanoTime() + ".log");
        List<String> cmd = List.of(MainProcess.java(), "-Xshare:auto", "-Xlog:class+load=info:file=" + log,
            "--enable-native-access=ALL-UNNAMED", "-Djqmail.root=" + q.root, "-cp", System.getProperty("java.class.path"),
            SubmitOnce.class.getName(), "loading");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("submit.out").toFile()).start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), read(tmp.resolve("submit.out")));
        return Files.readString(log);
    }

    private static long spun(String log) {
        return log.lines().filter(l -> l.contains("__JVM_LookupDefineClass__")).count();
    }

    @Test
    void theFastPathLoadsNoForeignFunctionClasses() throws Exception {
        // without the daemon: the child path, which needs FFM (the control that this test can fail)
        Path qmailQueue = q.root.resolve("bin/qmail-queue");
        StringBuilder sh = new StringBuilder("#!/bin/sh\nexec");
        for (String w : MainProcess.command(q.root)) sh.append(" '").append(w).append('\'');
        Files.writeString(qmailQueue, sh.append('\n').toString());
        Files.setPosixFilePermissions(qmailQueue, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        String spawned = submitOnceLoading();
        assertTrue(spawned.contains("java.lang.foreign.Linker"), "the child path links FFM");
        assertTrue(spawned.contains("org.jqmail.queue.client.SpawnedQueue"));

        startDaemon();
        String fast = submitOnceLoading();
        assertTrue(fast.contains("org.jqmail.queue.client.SocketQueue"), "it took the fast path");
        assertFalse(fast.contains("java.lang.foreign."), "no FFM class");
        assertFalse(fast.contains("org.jqmail.queue.client.Posix"));
        assertFalse(fast.contains("org.jqmail.queue.client.SpawnedQueue"));
        // the JDK's own start-up (the jar, the SelectorProvider lookup) spins a few; FFM spun ~150 more
        long spunFast = spun(fast), spunSpawned = spun(spawned);
        assertTrue(spunFast <= 10 && spunSpawned > 50, "classes spun at run time: fast " + spunFast + ", spawned " + spunSpawned);
        assertEquals(2, q.todo().size());
    }
}
