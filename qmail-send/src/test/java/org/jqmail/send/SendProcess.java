package org.jqmail.send;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jqmail.spawn.ExitStatus;
import org.jqmail.spawn.Spawner;

/**
 * A real qmail-send process (a JVM running {@link Main}) with its fds 0..6 on pipes this test holds: the
 * log, the two spawners' request and report pipes and qmail-clean's. The test plays the spawners and
 * qmail-clean. Every wait is bounded.
 */
final class SendProcess implements AutoCloseable {
    static final Spawner SPAWNER = Spawner.create();

    final long pid;
    final LinkedBlockingQueue<String> log = new LinkedBlockingQueue<>();
    final List<String> allLog = new ArrayList<>();
    final InputStream[] requests = new InputStream[2];
    final OutputStream[] reports = new OutputStream[2];
    final InputStream cleanRequests;
    final OutputStream cleanAnswers;
    private ExitStatus exit;

    SendProcess(Path root, List<String> extraEnv) throws IOException {
        int[] logPipe = SPAWNER.pipe(), lreq = SPAWNER.pipe(), lrep = SPAWNER.pipe(), rreq = SPAWNER.pipe(),
            rrep = SPAWNER.pipe(), creq = SPAWNER.pipe(), crep = SPAWNER.pipe();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<byte[]> argv = new ArrayList<>();
        for (String a : List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-Djqmail.root=" + root, "-cp", System.getProperty("java.class.path"), Main.class.getName())) {
            argv.add(a.getBytes(StandardCharsets.UTF_8));
        }
        List<byte[]> env = new ArrayList<>();
        env.add(("PATH=" + System.getenv("PATH")).getBytes(StandardCharsets.UTF_8));
        for (String e : extraEnv) env.add(e.getBytes(StandardCharsets.UTF_8));
        pid = SPAWNER.spawn(argv, env, logPipe[1], lreq[1], lrep[0], rreq[1], rrep[0], creq[1], crep[0]);
        for (int fd : new int[] {logPipe[1], lreq[1], lrep[0], rreq[1], rrep[0], creq[1], crep[0]}) SPAWNER.close(fd);
        InputStream logIn = reopenIn(logPipe[0]);
        requests[0] = reopenIn(lreq[0]);
        reports[0] = reopenOut(lrep[1]);
        requests[1] = reopenIn(rreq[0]);
        reports[1] = reopenOut(rrep[1]);
        cleanRequests = reopenIn(creq[0]);
        cleanAnswers = reopenOut(crep[1]);
        Thread t = new Thread(() -> readLog(logIn), "log reader");
        t.setDaemon(true);
        t.start();
    }

    /** Our end of a pipe as a stream: /proc/self/fd/N opens the same pipe; then the jnr fd is closed. */
    private static InputStream reopenIn(int fd) throws IOException {
        InputStream in = new java.io.BufferedInputStream(new FileInputStream("/proc/self/fd/" + fd), 8192);
        SPAWNER.close(fd);
        return in;
    }

    private static OutputStream reopenOut(int fd) throws IOException {
        OutputStream out = new FileOutputStream("/proc/self/fd/" + fd);
        SPAWNER.close(fd);
        return out;
    }

    private void readLog(InputStream in) {
        StringBuilder line = new StringBuilder();
        try {
            for (int c; (c = in.read()) >= 0; ) {
                if (c == '\n') {
                    log.add(line.toString());
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
        } catch (IOException e) {
            // process gone
        }
        log.add("EOF");
    }

    /** Waits (at most 20 s) for a log line matching {@code p}; returns it. */
    String await(Predicate<String> p, String what) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (;;) {
            long left = until - System.nanoTime();
            String l = left <= 0 ? null : log.poll(left, TimeUnit.NANOSECONDS);
            if (l == null) throw new AssertionError("no log line " + what + "; log so far:\n" + String.join("\n", allLog));
            allLog.add(l);
            if (l.equals("EOF") && !p.test(l)) {
                throw new AssertionError("log ended before " + what + "; log:\n" + String.join("\n", allLog));
            }
            if (p.test(l)) return l;
        }
    }

    String awaitLine(String exact) throws InterruptedException {
        return await(exact::equals, "'" + exact + "'");
    }

    String awaitPrefix(String prefix) throws InterruptedException {
        return await(l -> l.startsWith(prefix), "starting '" + prefix + "'");
    }

    void hello(int local, int remote) throws IOException {
        reports[0].write(local);
        reports[0].flush();
        reports[1].write(remote);
        reports[1].flush();
    }

    /** One spawn request: slot, messid, sender, recipient. */
    record Request(int slot, String messid, String sender, String recipient) {}

    Request request(int channel) throws Exception {
        try {
            return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return readRequest(channel);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no spawn request on channel " + channel + "; log:\n" + String.join("\n", allLog));
        }
    }

    /** A request, waiting as long as it takes (for the benchmark's spawner threads). */
    Request readRequestForBench(int channel) throws IOException {
        return readRequest(channel);
    }

    private Request readRequest(int channel) throws IOException {
        InputStream in = requests[channel];
        int slot = in.read();
        if (slot < 0) throw new IOException("request pipe closed");
        return new Request(slot, field(in), field(in), field(in));
    }

    private static String field(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != 0; ) {
            if (c < 0) throw new IOException("request cut short");
            b.append((char) c);
        }
        return b.toString();
    }

    void report(int channel, int slot, String letterAndText) throws IOException {
        OutputStream out = reports[channel];
        out.write(slot);
        out.write(letterAndText.getBytes(StandardCharsets.ISO_8859_1));
        out.write(0);
        out.flush();
    }

    void signal(int sig) {
        SPAWNER.posix().kill((int) pid, sig);
    }

    /** Waits at most 30 s for the process to end; its status (polling waitpid with WNOHANG). */
    ExitStatus waitFor() throws Exception {
        if (exit != null) return exit;
        int[] status = new int[1];
        for (int i = 0; i < 3000; i++) {
            int r = SPAWNER.posix().waitpid(pid, status, 1 /* WNOHANG */);
            if (r == pid) {
                exit = ExitStatus.of(status[0]);
                return exit;
            }
            Thread.sleep(10);
        }
        signal(9);
        exit = SPAWNER.waitFor(pid);
        throw new AssertionError("qmail-send did not exit; log:\n" + String.join("\n", allLog));
    }

    @Override
    public void close() throws IOException {
        if (exit == null) {
            signal(9);
            exit = SPAWNER.waitFor(pid);
        }
        for (InputStream in : requests) in.close();
        for (OutputStream out : reports) closeQuietly(out);
        cleanRequests.close();
        closeQuietly(cleanAnswers);
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            // the reader is gone
        }
    }
}
