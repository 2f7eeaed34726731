package org.jqmail.fsck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import org.jqmail.common.QueueLayout;

/**
 * A queue laid out as install/hier.sh does, owned by whoever runs the test (so the owner checks use
 * {@link Owners#all} of that uid), and qmail-fsck run on it in-process.
 */
final class TestQueue {
    final Path dir;
    final QueueLayout layout;
    final Owners owners;
    /** A /proc/locks stand-in: empty unless a test says qmail-send holds sendmutex. */
    final Path locks;

    record Run(int exit, String out, String err) {}

    TestQueue(Path tmp) throws Exception {
        dir = tmp.resolve("queue");
        layout = new QueueLayout(dir);
        locks = tmp.resolve("locks");
        Files.writeString(locks, "");
        Files.createDirectory(dir);
        int uid = (Integer) Files.getAttribute(dir, "unix:uid");
        int gid = (Integer) Files.getAttribute(dir, "unix:gid");
        owners = Owners.all(uid, gid);
        for (Hier.Entry e : Hier.entries()) {
            Path p = e.path().isEmpty() ? dir : dir.resolve(e.path());
            switch (e.kind()) {
                case DIRECTORY -> {
                    if (!Files.exists(p)) Files.createDirectory(p);
                }
                case FILE -> Files.write(p, new byte[p.endsWith("tcpto") ? 1024 : 0]);
                case FIFO -> assertEquals(0, run("mkfifo", p.toString()));
            }
            Files.setAttribute(p, "unix:mode", e.mode());
        }
    }

    Path path(String rel) {
        return dir.resolve(rel);
    }

    /** qmail-fsck with these arguments, as of {@code now}. */
    Run fsck(long now, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main m = new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        m.owners = owners;
        m.procLocks = locks;
        m.now = now;
        String[] all = new String[args.length + 2];
        all[0] = "--queue";
        all[1] = dir.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int exit = Main.run(m, all);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Run fsck(String... args) {
        return fsck(System.currentTimeMillis(), args);
    }

    /** A queue file written as qmail-send writes info/local/remote/bounce: 0600. */
    Path write(String rel, byte[] content) throws IOException {
        Path p = dir.resolve(rel);
        Files.write(p, content);
        Files.setAttribute(p, "unix:mode", 0600);
        return p;
    }

    /**
     * What qmail-send makes of todo/N: info/S/N with the sender, local/S/N with the recipients, then
     * todo and intd removed.
     */
    void process(long n, String sender, String... local) throws IOException {
        long s = QueueLayout.split(n);
        write("info/" + s + "/" + n, ("F" + sender + "\0").getBytes(StandardCharsets.ISO_8859_1));
        StringBuilder b = new StringBuilder();
        for (String r : local) b.append('T').append(r).append('\0');
        write("local/" + s + "/" + n, b.toString().getBytes(StandardCharsets.ISO_8859_1));
        Files.delete(layout.todo(n));
        Files.delete(layout.intd(n));
    }

    static void age(Path p, long millis) throws IOException {
        Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - millis));
    }

    static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (!p.waitFor(1, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        return p.exitValue();
    }
}
