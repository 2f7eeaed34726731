package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md's table of who runs as whom, checked under load: while the crash run's load (qmail-queue,
 * qmail-smtpd under tcpserver, qmail-smtpd-server; Maildir, program and remote deliveries) runs without
 * kills, every process of the installation is sampled from /proc and its real, effective, saved and
 * file-system uids must all be its program's user: a warm qmail-local worker and a classic qmail-local
 * alike run as the recipient, never as root; only qmail-lspawn is root. The recipients here are the
 * test's user and alias (messages other classes left in the shared queue, for addresses no longer
 * assigned, go to alias, as in qmail).
 */
@ExtendWith(InstalledRoot.class)
class ProcessUidsIT {
    static final long SAMPLE_MILLIS = 20_000;

    @TempDir
    static Path tmp;

    @Test
    void everyProcessRunsAsItsUserUnderLoad() throws Exception {
        Map<String, Integer> expected = new TreeMap<>(Map.of("qmail-send", uid("qmails"), "qmail-lspawn", 0,
            "qmail-rspawn", uid("qmailr"), "qmail-clean", uid("qmailq"), "qmail-queue", uid("qmailq"),
            "qmail-queued", uid("qmailq"), "qmail-remote", uid("qmailr"),
            "qmail-smtpd", uid("qmaild"), "qmail-smtpd-server", uid("qmaild")));
        Set<Integer> recipients = Set.of(CrashRig.UID, uid("alias"));
        Map<String, Set<String>> seen = new TreeMap<>();
        Set<String> wrong = new TreeSet<>();
        Path scratch = Files.createDirectories(tmp.resolve("scratch"));
        scratch.toFile().setExecutable(true, false);
        try (CrashRig rig = CrashRig.start(tmp)) {
            OurProcesses procs = new OurProcesses(rig.root);
            try (CrashLoad load = new CrashLoad(scratch, CrashRig.SENDER, CrashRig.RECIPIENTS, rig.smtpdPort,
                    rig.serverPort, "uids", 1, new ConcurrentHashMap<>())) {
                load.start();
                long end = System.currentTimeMillis() + SAMPLE_MILLIS;
                while (System.currentTimeMillis() < end) {
                    for (Map.Entry<String, String> k : OurProcesses.KINDS.entrySet()) {
                        for (long pid : procs.pids(k.getValue())) {
                            String uids = uids(pid);
                            if (uids == null) continue; // gone meanwhile
                            seen.computeIfAbsent(k.getKey(), x -> new TreeSet<>()).add(uids);
                            Set<Integer> want = k.getKey().equals("qmail-local") ? recipients
                                : Set.of(expected.get(k.getKey()));
                            if (!want.stream().anyMatch(u -> uids.equals(u + " " + u + " " + u + " " + u))) {
                                wrong.add(k.getKey() + " pid " + pid + ": uids " + uids + ", want one of " + want);
                            }
                        }
                    }
                    Thread.sleep(20);
                }
            }
        }
        assertTrue(wrong.isEmpty(), "processes with the wrong uid: " + wrong + "\nseen: " + seen);
        // The long-running ones and the recipient's qmail-local must have been seen at all, or the
        // check above proved nothing about them.
        for (String k : List.of("qmail-send", "qmail-lspawn", "qmail-rspawn", "qmail-clean", "qmail-queued",
                "qmail-smtpd-server", "qmail-local")) {
            assertTrue(seen.containsKey(k), k + " was never seen; seen: " + seen);
        }
        assertTrue(seen.get("qmail-local").contains(CrashRig.UID + " " + CrashRig.UID + " " + CrashRig.UID + " " + CrashRig.UID),
            "the test user's deliveries ran as the test user: " + seen);
    }

    /** /proc/PID/status's Uid line: real, effective, saved set, file system; null if the process is gone. */
    private static String uids(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Uid:")) return String.join(" ", line.substring(4).trim().split("\\s+"));
            }
        } catch (java.io.IOException e) {
            return null;
        }
        return null;
    }

    private static int uid(String user) throws Exception {
        return Integer.parseInt(Proc.run(null, "id", "-u", user).out().strip());
    }
}
