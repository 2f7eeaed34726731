package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash harness (issue #9): under a steady load (qmail-queue, qmail-smtpd, qmail-smtpd-server) of
 * messages to a Maildir, a program and a remote SMTP sink, SIGKILL randomly chosen processes of ours at
 * random moments while daemontools restarts them; then stop the load, drain the queue, run qmail-fsck,
 * and repeat; at the end account for every message ({@link CrashTally}): nothing accepted may be lost,
 * nothing delivered may differ from what was sent, no bounce. In the default suite it is one short
 * round; {@code bench/crash} runs it long: {@code -Dcrash.rounds=R -Dcrash.kills=K} (kills per
 * round), {@code -Dcrash.seed=S} to replay a run's choices, {@code -Dcrash.report=FILE} for the
 * Markdown summary (always printed too).
 */
@ExtendWith(InstalledRoot.class)
class CrashIT {
    static final int ROUNDS = Integer.getInteger("crash.rounds", 1);
    static final int KILLS = Integer.getInteger("crash.kills", 16);
    static final long SEED = Long.getLong("crash.seed", System.nanoTime());

    @TempDir
    static Path tmp;

    @Test
    void randomKillsLoseNothing() throws Exception {
        long started = System.currentTimeMillis();
        Map<String, CrashLoad.Entry> ledger = new ConcurrentHashMap<>();
        List<CrashKiller.Kill> kills = new ArrayList<>();
        Map<String, Integer> absent = new TreeMap<>();
        List<String> fscks = new ArrayList<>();
        // One seed for the run; each user of randomness gets its own stream drawn from it (two Randoms
        // with the same seed would make the same choices: the pause before a kill would pick its kind).
        Random seeds = new Random(SEED);
        Random pace = new Random(seeds.nextLong());
        Path scratch = Files.createDirectories(tmp.resolve("scratch"));
        scratch.toFile().setExecutable(true, false);
        CrashTally tally;
        int uncommitted;
        try (CrashRig rig = CrashRig.start(tmp)) {
            OurProcesses ours = new OurProcesses(rig.root);
            CrashKiller killer = new CrashKiller(ours, seeds.nextLong());
            for (int round = 1; round <= ROUNDS; round++) {
                int before = kills.size();
                try (CrashLoad load = new CrashLoad(scratch, CrashRig.SENDER, CrashRig.RECIPIENTS, rig.smtpdPort,
                        rig.serverPort, "r" + round, seeds.nextLong(), ledger)) {
                    load.start();
                    long end = System.currentTimeMillis() + KILLS * 15_000L;
                    while (kills.size() - before < KILLS && System.currentTimeMillis() < end) {
                        Thread.sleep(200 + pace.nextInt(1000));
                        Optional<CrashKiller.Kill> k = killer.killOne(3000);
                        if (k.isPresent()) kills.add(k.get());
                        else absent.merge("(none of the chosen kind ran)", 1, Integer::sum);
                    }
                }
                rig.drain(300_000 + 200L * ledger.size());
                Proc.Result f = rig.fsck(ours);
                fscks.add("round " + round + ": exit " + f.exit() + ", " + lastLine(f.out() + f.err()));
                System.out.println("crash round " + round + "/" + ROUNDS + ": " + kills.size() + " kills, " + ledger.size()
                    + " messages sent; " + fscks.getLast());
                assertEquals(0, f.exit(), "qmail-fsck after round " + round + ":\n" + f.out() + f.err());
            }
            tally = CrashTally.of(ledger, rig);
            uncommitted = new QueueFiles(rig.root).mess().size();
        }
        String report = report(tally, kills, absent, fscks, uncommitted, (System.currentTimeMillis() - started) / 1000);
        System.out.println(report);
        String file = System.getProperty("crash.report");
        if (file != null && !file.isEmpty()) Files.writeString(Path.of(file), report);

        assertEquals(ROUNDS * KILLS, kills.size(), "kills made");
        assertTrue(tally.acceptedMessages() > 0, "some messages were accepted");
        assertTrue(tally.lost().isEmpty(), "lost: " + tally.lost());
        assertTrue(tally.corrupt().isEmpty(), "corrupt: " + tally.corrupt());
        assertTrue(tally.bounces().isEmpty(), "bounces: " + tally.bounces());
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static String report(CrashTally t, List<CrashKiller.Kill> kills, Map<String, Integer> absent, List<String> fscks,
            int uncommitted, long seconds) {
        Map<String, Integer> byKind = new TreeMap<>();
        for (String k : OurProcesses.KINDS.keySet()) byKind.put(k, 0);
        for (CrashKiller.Kill k : kills) byKind.merge(k.kind(), 1, Integer::sum);
        StringBuilder b = new StringBuilder();
        b.append("Crash run of ").append(Instant.now()).append(": ").append(ROUNDS).append(" rounds of ").append(KILLS)
            .append(" kills, seed ").append(SEED).append(", ").append(seconds).append(" s\n\n");
        b.append("| process killed (SIGKILL) | kills |\n|---|---|\n");
        byKind.forEach((k, n) -> b.append("| ").append(k).append(" | ").append(n).append(" |\n"));
        b.append("| **all** | **").append(kills.size()).append("** |\n\n");
        absent.forEach((k, n) -> b.append("Tries with no process of the chosen kind running: ").append(n).append("\n\n"));
        b.append("| messages | count |\n|---|---|\n");
        b.append("| accepted (qmail-queue exit 0, or 250 after the data) | ").append(t.acceptedMessages()).append(" |\n");
        b.append("| not accepted (refused, or the client lost its answer) | ").append(t.notAcceptedMessages()).append(" |\n");
        b.append("| deliveries owed (accepted × recipients) | ").append(t.expectedDeliveries()).append(" |\n");
        b.append("| copies found at the destinations | ").append(t.deliveredCopies()).append(" |\n");
        b.append("| **lost** | **").append(t.lost().size()).append("** |\n");
        b.append("| **corrupt** (body differs, or no such message) | **").append(t.corrupt().size()).append("** |\n");
        b.append("| duplicates (a second copy: at-least-once after a kill) | ").append(t.duplicateCount()).append(" ")
            .append(t.duplicates()).append(" |\n");
        b.append("| not-accepted messages delivered anyway (committed, answer lost) | ").append(t.unacknowledgedDelivered())
            .append(" |\n");
        b.append("| bounces | ").append(t.bounces().size()).append(" |\n");
        b.append("| uncommitted messages left in mess/ by killed qmail-queue runs (never in todo/; qmail-send removes"
            + " them after 36 h) | ").append(uncommitted).append(" |\n\n");
        b.append("qmail-fsck after each round:\n");
        if (fscks.size() > 3) { // one line per round says nothing new after the first few
            b.append("- ").append(fscks.getFirst()).append("\n- ...\n- ").append(fscks.getLast()).append('\n');
        } else {
            for (String f : fscks) b.append("- ").append(f).append('\n');
        }
        return b.toString();
    }
}
