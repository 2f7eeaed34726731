package org.jqmail.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * SIGKILL for a randomly chosen process of one installation ({@link OurProcesses}). A kind is chosen
 * first, uniformly, so that short-lived processes (qmail-queue, qmail-local, qmail-remote, qmail-smtpd)
 * are killed as often as the daemons: the killer waits (bounded) for one of that kind to exist, then
 * kills it a random moment later.
 */
final class CrashKiller {
    record Kill(String kind, long pid, long atMillis) {}

    private final OurProcesses processes;
    private final Random random;

    CrashKiller(OurProcesses processes, long seed) {
        this.processes = processes;
        this.random = new Random(seed);
    }

    /**
     * Chooses a kind, waits up to {@code patienceMillis} for a process of it, and kills one of them
     * after a random 0–150 ms (if it is gone by then, another of that kind, while the patience lasts).
     * Empty if none of that kind ran meanwhile.
     */
    Optional<Kill> killOne(long patienceMillis) throws InterruptedException {
        List<String> names = new ArrayList<>(OurProcesses.KINDS.keySet());
        String kind = names.get(random.nextInt(names.size()));
        String mainClass = OurProcesses.KINDS.get(kind);
        long end = System.currentTimeMillis() + patienceMillis;
        while (System.currentTimeMillis() < end) {
            List<Long> pids = processes.pids(mainClass);
            if (!pids.isEmpty()) {
                Thread.sleep(random.nextInt(150));
                long pid = pids.get(random.nextInt(pids.size()));
                Optional<ProcessHandle> p = ProcessHandle.of(pid);
                if (p.isPresent() && processes.runs(pid, mainClass) && p.get().destroyForcibly()) {
                    return Optional.of(new Kill(kind, pid, System.currentTimeMillis()));
                }
            } else {
                Thread.sleep(10);
            }
        }
        return Optional.empty();
    }
}
