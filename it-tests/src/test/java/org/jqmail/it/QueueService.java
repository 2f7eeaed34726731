package org.jqmail.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The installed qmail-send service (qmail-start, its daemons, multilog) running under daemontools'
 * svscan, watching a private service directory that holds qmail-send and whatever else a test
 * {@link #add adds}, so no SMTP port is opened unless asked for. One per test class: start it in
 * @BeforeAll, stop it in @AfterAll.
 */
final class QueueService implements AutoCloseable {
    static final long WAIT_MS = 30_000;

    private final Path root;
    private final Path services;
    private final Process svscan;
    private final List<Path> added = new java.util.ArrayList<>();
    private final long startedMillis = System.currentTimeMillis();

    private QueueService(Path root, Path services, Process svscan) {
        this.root = root;
        this.services = services;
        this.svscan = svscan;
    }

    /** Starts svscan on {@code dir}/service and waits for qmail-send's first status line. */
    static QueueService start(Path root, Path dir) throws Exception {
        Path services = Files.createDirectories(dir.resolve("service"));
        Files.createSymbolicLink(services.resolve("qmail-send"), root.resolve("supervise/qmail-send"));
        Process svscan = new ProcessBuilder("svscan", services.toString()).redirectErrorStream(true)
            .redirectOutput(dir.resolve("svscan.out").toFile()).start();
        QueueService s = new QueueService(root, services, svscan);
        s.await("qmail-send logs a status line", () -> s.log().contains("status: local 0/"));
        return s;
    }

    Path service() {
        return services.resolve("qmail-send");
    }

    /**
     * Puts {@code dir} (a service directory: the installed one, or a test's copy) under the same svscan
     * as {@code name}, and waits (bounded) until supervise runs it; stopped by {@link #close}.
     */
    Path add(String name, Path dir) throws Exception {
        Path link = services.resolve(name);
        Files.createSymbolicLink(link, dir);
        added.add(link);
        // svscan looks for new entries every five seconds; supervise writes supervise/ok once it runs.
        await(name + " is supervised", () -> Files.exists(dir.resolve("supervise/ok")));
        return link;
    }

    /**
     * qmail-send's log as multilog keeps it (TAI64N stamps), oldest first: the files multilog has
     * rotated out (named by the TAI64N of their rotation, so by name is by age) and then current. The
     * installed root is shared by every test class, so current passes multilog's 99,999 bytes during
     * a run and a line a test waits for can land in a rotated file just before it is looked for.
     * Files last written before this service started hold other classes' lines and are left out.
     */
    String log() {
        Path dir = root.resolve("supervise/qmail-send/log/main");
        StringBuilder log = new StringBuilder();
        try (var files = Files.list(dir)) {
            List<Path> parts = files.filter(p -> p.getFileName().toString().startsWith("@") && writtenSinceStart(p))
                .sorted().collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
            parts.add(dir.resolve("current"));
            for (Path p : parts) log.append(Files.readString(p, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            // a file rotated away between listing and reading: the next look finds it under its new name
        }
        return log.toString();
    }

    private boolean writtenSinceStart(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis() >= startedMillis - 2_000;
        } catch (IOException e) {
            return false;
        }
    }

    void await(String what, BooleanSupplier done) throws InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MS;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > end) throw new AssertionError("timed out: " + what + "\nlog:\n" + log());
            Thread.sleep(50);
        }
    }

    /** svc -dx on every service and its log, then svscan itself; waits (bounded) for supervise to go. */
    @Override
    public void close() throws Exception {
        for (Path s : added) {
            Proc.run(null, "svc", "-dx", s.toString());
            if (Files.isDirectory(s.resolve("log"))) Proc.run(null, "svc", "-dx", s.resolve("log").toString());
        }
        Proc.run(null, "svc", "-dx", service().toString(), service().resolve("log").toString());
        svscan.destroy();
        svscan.waitFor();
        for (int i = 0; i < 100 && Proc.sh("pgrep -f 'supervise qmail-send' >/dev/null").exit() == 0; i++) Thread.sleep(100);
    }
}
