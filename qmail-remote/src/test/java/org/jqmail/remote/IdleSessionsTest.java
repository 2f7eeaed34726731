package org.jqmail.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions kept for the next delivery to the same server ({@link IdleSessions}, qmail-rspawn's
 * deliveries): the second message goes over the first one's connection with the same report it would
 * have had on a connection of its own, and a kept session that the server has closed costs nothing
 * but a new connection.
 */
class IdleSessionsTest {
    static final String ACCEPTED = "r|K127.0.0.1 accepted message.\nRemote host said: 250 ok 123 qp 456\n|";

    @TempDir Path dir;
    Harness h;

    @BeforeEach
    void setUp() throws Exception {
        h = new Harness(dir);
        h.sessions = new IdleSessions();
    }

    String deliver(FakeSmtp s) {
        h.routes = List.of("example.com:127.0.0.1:" + s.port());
        return h.run("example.com", "a@example.org", List.of("b@example.com"), "Subject: x\n\nhi\n");
    }

    /** The commands of the fake server without the message's end marks. */
    static List<String> verbs(FakeSmtp s) {
        List<String> out = new ArrayList<>();
        synchronized (s.commands) {
            for (String c : s.commands) out.add(c.length() > 4 ? c.substring(0, 4) : c);
        }
        return out;
    }

    @Test
    void theNextMessageToTheSameServerTakesTheKeptSession() throws Exception {
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", FakeSmtp.happy())) {
            assertEquals(ACCEPTED, deliver(s));
            assertEquals(1, h.sessions.size());
            assertEquals(ACCEPTED, deliver(s));
            assertEquals(ACCEPTED, deliver(s));
            assertEquals(1, s.connections.get());
            assertEquals(List.of("EHLO", "MAIL", "RCPT", "DATA", ".", "MAIL", "RCPT", "DATA", ".", "MAIL", "RCPT", "DATA", "."),
                verbs(s));
        }
    }

    @Test
    void withTimeoutReuseZeroEveryMessageHasItsOwnConnectionAndQuit() throws Exception {
        h.timeoutReuse = 0;
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", FakeSmtp.happy())) {
            assertEquals(ACCEPTED, deliver(s));
            waitFor(() -> verbs(s).contains("QUIT"));
            assertEquals(ACCEPTED, deliver(s));
            assertEquals(0, h.sessions.size());
            waitFor(() -> verbs(s).size() == 12);
            assertEquals(2, s.connections.get());
            assertEquals(List.of("EHLO", "MAIL", "RCPT", "DATA", ".", "QUIT", "EHLO", "MAIL", "RCPT", "DATA", ".", "QUIT"),
                verbs(s));
        }
    }

    @Test
    void aSessionClosedByTheServerWhileKeptIsReplacedByANewConnection() throws Exception {
        // The server closes each session right after accepting its message.
        Function<String, String> script = cmd -> cmd.equals(".") ? "250 ok 123 qp 456\r\n" + FakeSmtp.CLOSE
            : FakeSmtp.happy().apply(cmd);
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", script)) {
            assertEquals(ACCEPTED, deliver(s));
            waitFor(() -> s.connections.get() == 1 && verbs(s).size() == 5);
            Thread.sleep(100); // the close reaches our side
            assertEquals(ACCEPTED, deliver(s));
            assertEquals(2, s.connections.get());
        }
    }

    @Test
    void aKeptSessionThatTheServerEndsAtMailIsReplacedByANewConnection() throws Exception {
        // The second MAIL on a connection gets 421 and the close: an idle session the server gave up.
        AtomicInteger mails = new AtomicInteger();
        Function<String, String> script = cmd -> {
            if (cmd.startsWith("EHLO")) mails.set(0);
            if (cmd.startsWith("MAIL") && mails.incrementAndGet() == 2) return "421 idle too long\r\n" + FakeSmtp.CLOSE;
            return FakeSmtp.happy().apply(cmd);
        };
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", script)) {
            assertEquals(ACCEPTED, deliver(s));
            assertEquals(ACCEPTED, deliver(s));
            assertEquals(2, s.connections.get());
            assertEquals(List.of("EHLO", "MAIL", "RCPT", "DATA", ".", "MAIL", "EHLO", "MAIL", "RCPT", "DATA", "."), verbs(s));
        }
    }

    @Test
    void aRefusedMessageEndsItsSession() throws Exception {
        Function<String, String> script = cmd -> cmd.equals(".") ? "554 no thanks\r\n" : FakeSmtp.happy().apply(cmd);
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", script)) {
            String report = deliver(s);
            assertTrue(report.startsWith("r|D127.0.0.1 failed after I sent the message."), report);
            assertEquals(0, h.sessions.size());
            waitFor(() -> verbs(s).contains("QUIT"));
        }
    }

    @Test
    void anIdleSessionGetsQuitAfterTimeoutReuse() throws Exception {
        h.timeoutReuse = 1;
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", FakeSmtp.happy())) {
            assertEquals(ACCEPTED, deliver(s));
            assertEquals(1, h.sessions.size());
            assertFalse(verbs(s).contains("QUIT"));
            waitFor(() -> verbs(s).contains("QUIT"));
            assertEquals(0, h.sessions.size());
            assertEquals(ACCEPTED, deliver(s)); // a new connection, then
            assertEquals(2, s.connections.get());
        }
    }

    @Test
    void aSessionIsKeptOnlyForTheServerAndSetUpItWasMadeWith() throws Exception {
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", FakeSmtp.happy());
             FakeSmtp other = new FakeSmtp(Harness.LOOP1, "220 y\r\n", FakeSmtp.happy())) {
            assertEquals(ACCEPTED, deliver(s));
            assertEquals(ACCEPTED, deliver(other));
            assertEquals(2, h.sessions.size());
            assertEquals(1, s.connections.get());
            assertEquals(1, other.connections.get());
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        for (int i = 0; i < 200 && !c.getAsBoolean(); i++) Thread.sleep(25);
        assertTrue(c.getAsBoolean(), "condition not met in 5 s");
    }
}
