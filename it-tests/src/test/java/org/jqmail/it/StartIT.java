package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The qmail-send service as supervise runs it: ROOT/supervise/qmail-send/run, in its directory, with
 * its log on stdout. qmail-start must become qmail-send in the very process that was started (so svc
 * signals reach it), as qmails, with qmail-lspawn (root), qmail-rspawn (qmailr) and qmail-clean
 * (qmailq) as its children; TERM must stop the whole tree.
 */
@ExtendWith(InstalledRoot.class)
class StartIT {
    private static final long WAIT_MS = 60_000;

    @Test
    void runScriptStartsTheTreeAndTermStopsIt() throws Exception {
        Path service = InstalledRoot.root().resolve("supervise/qmail-send");
        Process p = new ProcessBuilder("/bin/sh", service.resolve("run").toString()).directory(service.toFile())
            .redirectErrorStream(true).start();
        p.getOutputStream().close();
        StringBuilder log = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (log) {
                        log.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    }
                }
            } catch (IOException ignored) {
                // the log ends with the tree
            }
        });
        try {
            Map<String, ProcessHandle> children = awaitDaemons(p);
            assertEquals(uid("qmails"), uidOf(p.pid()), "qmail-send runs as qmails: " + logText(log));
            assertTrue(cmdline(p.pid()).contains("org.jqmail.send.Main"), "the started pid is qmail-send");
            assertEquals(0, uidOf(children.get("lspawn").pid()));
            assertEquals(uid("qmailr"), uidOf(children.get("rspawn").pid()));
            assertEquals(uid("qmailq"), uidOf(children.get("clean").pid()));

            // svc -t: TERM to the pid supervise started.
            Proc.run(null, "kill", "-TERM", Long.toString(p.pid()));
            assertTrue(p.waitFor(WAIT_MS, TimeUnit.MILLISECONDS), "qmail-send exits on TERM: " + logText(log));
            for (ProcessHandle c : children.values()) {
                assertTrue(c.onExit().toCompletableFuture().completeOnTimeout(c, WAIT_MS, TimeUnit.MILLISECONDS)
                    .thenApply(h -> !h.isAlive()).get(), "daemon " + c.pid() + " exits after qmail-send");
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(WAIT_MS, TimeUnit.MILLISECONDS);
            reader.join(WAIT_MS);
        }
    }

    /** The three daemons among the children of {@code p}, once all are up (bounded wait). */
    private static Map<String, ProcessHandle> awaitDaemons(Process p) throws Exception {
        long end = System.currentTimeMillis() + WAIT_MS;
        for (;;) {
            Map<String, ProcessHandle> found = new HashMap<>();
            for (ProcessHandle c : p.children().toList()) {
                String cmd = cmdline(c.pid());
                for (String d : List.of("lspawn", "rspawn", "clean")) {
                    if (cmd.contains("org.jqmail." + d + ".Main")) found.put(d, c);
                }
            }
            if (found.size() == 3 && cmdline(p.pid()).contains("org.jqmail.send.Main")) return found;
            if (!p.isAlive() || System.currentTimeMillis() > end) {
                throw new AssertionError("qmail-start did not bring up its daemons; children " + found.keySet()
                    + ", alive " + p.isAlive());
            }
            Thread.sleep(100);
        }
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.ISO_8859_1)
                .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** The real uid from /proc/PID/status. */
    private static int uidOf(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Uid:")) return Integer.parseInt(line.split("\\s+")[1]);
        }
        throw new IOException("no Uid line for " + pid);
    }

    private static int uid(String user) throws Exception {
        return Integer.parseInt(Proc.run(null, "id", "-u", user).out().strip());
    }

    private static String logText(StringBuilder log) {
        synchronized (log) {
            return log.toString();
        }
    }
}
