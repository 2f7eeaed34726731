package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hostile-input corpus (src/test/resources/smtpd-hostile/, format in its README) against both ways
 * of serving qmail-smtpd: the qmail-smtpd service (tcpserver, a JVM per connection) and the
 * qmail-smtpd-server service (one JVM), each from its installed run script on a free port. Each case
 * is one connection from 127.0.0.1 (which may relay): its bytes are sent, every reply is checked in
 * order, and once the service has logged the session's end, the messages that appeared in the queue
 * are checked against the case and then removed (other classes' messages are left alone).
 */
@ExtendWith(InstalledRoot.class)
class SmtpdHostileIT {
    /** Every read from the server waits at most this long: no case can hang the build. */
    static final int READ_MILLIS = 30_000;
    /** How long the end of a session may take to show in the service's log. */
    static final long END_MILLIS = 60_000;
    /** tcpserver's and qmail-smtpd-server's line for a finished connection. */
    private static final Pattern END = Pattern.compile("(?m)^[a-z-]+: end \\d+ status \\d+$");

    private static PortService tcpserver;
    private static PortService server;

    @BeforeAll
    static void start() throws Exception {
        tcpserver = PortService.start("qmail-smtpd");
        server = PortService.start("qmail-smtpd-server");
    }

    @AfterAll
    static void stop() throws Exception {
        if (tcpserver != null) tcpserver.close();
        if (server != null) server.close();
    }

    static Path corpus() {
        return InstalledRoot.source().resolve("it-tests/src/test/resources/smtpd-hostile");
    }

    @TestFactory
    Stream<DynamicContainer> theHostileCorpus() throws IOException {
        List<HostileCase> cases = HostileCase.loadAll(corpus());
        return Stream.of(container("tcpserver + qmail-smtpd", tcpserver, cases),
            container("qmail-smtpd-server", server, cases));
    }

    private static DynamicContainer container(String service, PortService s, List<HostileCase> cases) {
        return DynamicContainer.dynamicContainer(service, cases.stream()
            .map(c -> DynamicTest.dynamicTest(c.name(), () -> run(c, service, s))));
    }

    private static void run(HostileCase c, String service, PortService s) throws Exception {
        if (c.knownFailure() != null) {
            System.out.println("SmtpdHostileIT: [" + service + "] " + c.name() + " skipped, known failure: " + c.knownFailure());
            Assumptions.abort("known failure: " + c.knownFailure());
        }
        Map<String, byte[]> saved = setControls(c.controls());
        try {
            QueueFiles q = new QueueFiles(InstalledRoot.root());
            Set<String> before = q.todo();
            int ends = ends(s);
            String where = "[" + service + "] " + c.name() + ".case (" + c.about() + ")";
            String failure = null;
            try (Client client = new Client(s.port())) {
                for (HostileCase.Step step : c.steps()) {
                    String problem = client.step(step);
                    if (problem != null) {
                        failure = where + "\n  step at line " + step.line() + " '" + step.source() + "': " + problem
                            + "\n  transcript (C: client, S: server):\n" + client.transcript();
                        break;
                    }
                }
            }
            // even after a failed step: the next case must not see this session's messages as its own
            awaitEnd(s, ends + 1, where);
            Set<String> added = new TreeSet<>(q.todo());
            added.removeAll(before);
            try {
                if (failure != null) fail(failure);
                new QueueCheck(c, where, q).check(added);
            } finally {
                remove(q, added);
            }
        } finally {
            restoreControls(saved);
        }
    }

    /** Writes the case's control files; returns what was there before (null: nothing). */
    private static Map<String, byte[]> setControls(Map<String, String> controls) throws IOException {
        Map<String, byte[]> saved = new HashMap<>();
        Path dir = InstalledRoot.root().resolve("control");
        for (Map.Entry<String, String> e : controls.entrySet()) {
            Path p = dir.resolve(e.getKey());
            saved.put(e.getKey(), Files.exists(p) ? Files.readAllBytes(p) : null);
            Files.writeString(p, e.getValue() + "\n", StandardCharsets.US_ASCII);
        }
        return saved;
    }

    private static void restoreControls(Map<String, byte[]> saved) throws IOException {
        Path dir = InstalledRoot.root().resolve("control");
        for (Map.Entry<String, byte[]> e : saved.entrySet()) {
            if (e.getValue() == null) Files.deleteIfExists(dir.resolve(e.getKey()));
            else Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }

    private static int ends(PortService s) throws IOException {
        Matcher m = END.matcher(s.log());
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    /**
     * Waits (bounded) until the service has logged {@code count} ended sessions. A session ends after its
     * qmail-queue has answered or been abandoned, so after this nothing more of it can be queued.
     */
    private static void awaitEnd(PortService s, int count, String where) throws Exception {
        long deadline = System.nanoTime() + END_MILLIS * 1_000_000;
        while (ends(s) < count) {
            if (System.nanoTime() > deadline) fail(where + ": the session's end was not logged within " + END_MILLIS / 1000 + " s:\n" + s.log());
            Thread.sleep(20);
        }
    }

    /** The case's messages go: nobody will deliver them, and a later class's qmail-send must not try. */
    private static void remove(QueueFiles q, Set<String> added) throws IOException {
        for (String n : added) {
            Files.deleteIfExists(q.todoOf(n));
            Files.deleteIfExists(q.intdOf(n));
            Files.deleteIfExists(q.messOf(n));
        }
    }

    /** The client side of one case: a socket, a writer thread for the sends, and a transcript for failures. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
        private final List<String> transcript = java.util.Collections.synchronizedList(new ArrayList<>());
        private volatile IOException writeError;
        private boolean closed;

        Client(int port) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), READ_MILLIS);
            socket.setSoTimeout(READ_MILLIS);
            in = new java.io.BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        /** Runs one step; returns what went wrong, or null. */
        String step(HostileCase.Step step) throws Exception {
            switch (step.kind()) {
                case SEND -> {
                    byte[] b = step.bytes();
                    transcript.add("C: " + HostileCase.Escapes.show(b, 160));
                    writer.execute(() -> write(() -> {
                        out.write(b);
                        out.flush();
                    }));
                    return null;
                }
                case SHUTDOWN -> {
                    transcript.add("C: (ends its side)");
                    writer.execute(() -> write(socket::shutdownOutput));
                    return null;
                }
                case HANGUP -> {
                    transcript.add("C: (hangs up)");
                    close();
                    return null;
                }
                case CLOSED -> {
                    return expectEnd();
                }
                default -> {
                    for (int i = 1; i <= step.count(); i++) {
                        String problem = expectReply(step);
                        if (problem != null) return (step.count() > 1 ? "reply " + i + " of " + step.count() + ": " : "") + problem;
                    }
                    return null;
                }
            }
        }

        private interface Write {
            void run() throws IOException;
        }

        private void write(Write w) {
            if (writeError != null) return;
            try {
                w.run();
            } catch (IOException e) {
                writeError = e; // the server may close first; the steps that follow say whether it should have
            }
        }

        private String expectReply(HostileCase.Step step) throws IOException {
            List<String> lines = new ArrayList<>();
            for (;;) {
                String line;
                try {
                    line = readLine();
                } catch (SocketTimeoutException e) {
                    return "no reply within " + READ_MILLIS / 1000 + " s" + after(lines);
                } catch (SocketException e) {
                    return "the connection broke (" + e.getMessage() + ")" + after(lines) + writeNote();
                }
                if (line == null) return "the server closed the connection" + after(lines) + writeNote();
                transcript.add("S: " + HostileCase.Escapes.show(line.getBytes(StandardCharsets.ISO_8859_1), 160));
                if (!line.endsWith("\r\n")) return "a reply line not ended by CR LF: " + HostileCase.Escapes.show(line.getBytes(StandardCharsets.ISO_8859_1), 200);
                String text = line.substring(0, line.length() - 2);
                if (!text.matches("[2-5][0-9][0-9]([ -].*)?")) return "not a reply line: " + text;
                lines.add(text);
                if (text.length() > 3 && text.charAt(3) == '-') {
                    if (!lines.isEmpty() && !text.startsWith(lines.get(0).substring(0, 3))) return "a multi-line reply that changes its code: " + lines;
                    continue;
                }
                break;
            }
            String last = lines.get(lines.size() - 1);
            if (!last.startsWith(step.code())) return "expected code " + step.code() + ", got: " + String.join(" / ", lines);
            if (step.text() != null) {
                String want = step.code() + " " + step.text();
                boolean ok = step.prefix() ? last.startsWith(want) : last.equals(want);
                if (!ok) return "expected '" + want + (step.prefix() ? "...'" : "'") + ", got: " + String.join(" / ", lines);
            }
            return null;
        }

        private String expectEnd() throws IOException {
            try {
                String line = readLine();
                if (line == null) return null;
                transcript.add("S: " + HostileCase.Escapes.show(line.getBytes(StandardCharsets.ISO_8859_1), 160));
                return "expected the server to close the connection, but it sent: " + HostileCase.Escapes.show(line.getBytes(StandardCharsets.ISO_8859_1), 200);
            } catch (SocketTimeoutException e) {
                return "the server did not close the connection within " + READ_MILLIS / 1000 + " s";
            } catch (SocketException e) {
                return null; // a reset: the server closed with bytes of ours unread
            }
        }

        /** One line up to and including LF (at most 4096 bytes), ISO-8859-1; null at the end of the stream. */
        private String readLine() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (;;) {
                int c = in.read();
                if (c < 0) return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
                b.write(c);
                if (c == '\n' || b.size() >= 4096) return b.toString(StandardCharsets.ISO_8859_1);
            }
        }

        private static String after(List<String> lines) {
            return lines.isEmpty() ? "" : " after " + lines;
        }

        private String writeNote() {
            return writeError == null ? "" : " (a send had failed: " + writeError.getMessage() + ")";
        }

        String transcript() {
            List<String> t;
            synchronized (transcript) {
                t = new ArrayList<>(transcript);
            }
            int from = Math.max(0, t.size() - 40);
            StringBuilder s = new StringBuilder(from > 0 ? "    ... " + from + " lines before\n" : "");
            for (String line : t.subList(from, t.size())) s.append("    ").append(line).append('\n');
            return s.toString();
        }

        /** Closes after the pending sends (bounded: a server that does not read cannot hold us). */
        @Override
        public void close() throws Exception {
            if (closed) return;
            closed = true;
            writer.shutdown();
            writer.awaitTermination(READ_MILLIS, TimeUnit.MILLISECONDS);
            socket.close();
            writer.shutdownNow();
        }
    }

    /** What the case's new messages in the queue must be. */
    private record QueueCheck(HostileCase c, String where, QueueFiles q) {
        void check(Set<String> added) throws IOException {
            Map<String, List<String>> bySender = new HashMap<>();
            Map<String, String> envelopes = new HashMap<>();
            for (String n : added) {
                List<String> fields = Arrays.asList(new String(Files.readAllBytes(q.todoOf(n)), StandardCharsets.ISO_8859_1).split("\0"));
                envelopes.put(n, String.join("_", fields));
                String from = fields.stream().filter(f -> f.startsWith("F")).findFirst().orElse(null);
                if (from == null) fail(where + ": queued message " + n + " has no sender: " + envelopes.get(n));
                bySender.computeIfAbsent(from.substring(1), k -> new ArrayList<>()).add(n);
            }
            if (added.size() != c.queued()) {
                fail(where + ": expected " + c.queued() + " queued message(s), found " + added.size() + ": " + envelopes.values());
            }
            for (HostileCase.Message m : c.messages()) {
                String sender = new String(m.sender(), StandardCharsets.ISO_8859_1);
                List<String> ns = bySender.getOrDefault(sender, List.of());
                String at = where + "\n  message block at line " + m.line() + " (sender '" + HostileCase.Escapes.show(m.sender(), 80) + "')";
                if (ns.size() != 1) fail(at + ": " + ns.size() + " queued messages with this sender; queued envelopes: " + envelopes.values());
                message(m, ns.get(0), at);
            }
        }

        private void message(HostileCase.Message m, String n, String at) throws IOException {
            List<String> fields = Arrays.asList(new String(Files.readAllBytes(q.todoOf(n)), StandardCharsets.ISO_8859_1).split("\0"));
            List<String> to = fields.stream().filter(f -> f.startsWith("T")).map(f -> f.substring(1)).toList();
            if (!m.to().isEmpty()) {
                List<String> want = m.to().stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
                if (!want.equals(to)) fail(at + ": recipients " + show(to) + ", expected " + show(want));
            }
            if (m.toCount() >= 0 && to.size() != m.toCount()) fail(at + ": " + to.size() + " recipients, expected " + m.toCount());
            byte[] stored = Files.readAllBytes(q.messOf(n));
            byte[] body = body(stored, at);
            for (HostileCase.Check k : m.checks()) {
                String why = switch (k.kind()) {
                    case "body" -> Arrays.equals(body, k.bytes()) ? null : "the body is '" + HostileCase.Escapes.show(body, 400) + "'";
                    case "body-has" -> indexOf(body, k.bytes()) >= 0 ? null : "the body lacks it: '" + HostileCase.Escapes.show(body, 400) + "'";
                    case "stored-has" -> indexOf(stored, k.bytes()) >= 0 ? null : "the stored message lacks it: '" + HostileCase.Escapes.show(stored, 600) + "'";
                    case "stored-lacks" -> indexOf(stored, k.bytes()) < 0 ? null : "the stored message has it: '" + HostileCase.Escapes.show(stored, 600) + "'";
                    default -> lineStarting(stored, k.bytes());
                };
                if (why != null) fail(at + "\n  check at line " + k.line() + " '" + k.source() + "' failed: " + why);
            }
        }

        /** The stored message without qmail-queue's Received line and qmail-smtpd's two-line one. */
        private byte[] body(byte[] stored, String at) {
            String s = new String(stored, StandardCharsets.ISO_8859_1);
            String[] head = s.split("\n", 4);
            if (head.length < 4 || !head[0].startsWith("Received: (qmail ") || !head[1].startsWith("Received: from ")
                || !head[2].startsWith("  by ")) {
                fail(at + ": the stored message does not start with the two Received fields: '" + HostileCase.Escapes.show(stored, 400) + "'");
            }
            return head[3].getBytes(StandardCharsets.ISO_8859_1);
        }

        private static String lineStarting(byte[] stored, byte[] start) {
            String want = new String(start, StandardCharsets.ISO_8859_1);
            for (String line : new String(stored, StandardCharsets.ISO_8859_1).split("\n", -1)) {
                if (line.regionMatches(true, 0, want, 0, want.length())) {
                    return "a line starts with it: '" + HostileCase.Escapes.show(line.getBytes(StandardCharsets.ISO_8859_1), 200) + "'";
                }
            }
            return null;
        }

        private static int indexOf(byte[] hay, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= hay.length; i++) {
                for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
                return i;
            }
            return -1;
        }

        private static String show(List<String> addresses) {
            return addresses.stream().map(a -> "'" + HostileCase.Escapes.show(a.getBytes(StandardCharsets.ISO_8859_1), 120) + "'").toList().toString();
        }
    }
}
