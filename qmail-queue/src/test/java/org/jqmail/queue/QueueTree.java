package org.jqmail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jqmail.common.QueueLayout;

/** A temporary installation root with qmail's queue tree (and a trigger FIFO), and ways to look into it. */
public final class QueueTree {
    public final Path root;
    public final QueueLayout queue;

    public QueueTree(Path root) throws IOException, InterruptedException {
        this.root = root;
        this.queue = new QueueLayout(root.resolve("queue"));
        Files.createDirectories(root.resolve("control"));
        Files.createDirectories(root.resolve("bin"));
        for (String d : new String[] {"pid", "intd", "todo", "lock"}) Files.createDirectories(queue.queue().resolve(d));
        for (int i = 0; i < QueueLayout.SPLIT; i++) Files.createDirectories(queue.queue().resolve("mess").resolve(Integer.toString(i)));
        Process p = new ProcessBuilder("mkfifo", queue.trigger().toString()).inheritIO().start();
        assertEquals(0, p.waitFor(), "mkfifo");
    }

    public void control(String name, String value) throws IOException {
        Files.writeString(root.resolve("control").resolve(name), value, StandardCharsets.ISO_8859_1);
    }

    public List<String> todo() throws IOException { return names(queue.queue().resolve("todo")); }
    public List<String> intd() throws IOException { return names(queue.queue().resolve("intd")); }
    public List<String> pid() throws IOException { return names(queue.pidDir()); }

    /** Every file under mess/, as S/N. */
    public List<String> mess() throws IOException {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < QueueLayout.SPLIT; i++) {
            for (String n : names(queue.queue().resolve("mess").resolve(Integer.toString(i)))) all.add(i + "/" + n);
        }
        return all;
    }

    /** Asserts that nothing at all is left in the queue: no todo, intd, mess or pid file. */
    public void assertEmpty() throws IOException {
        assertEquals(List.of(), todo(), "todo/");
        assertEquals(List.of(), intd(), "intd/");
        assertEquals(List.of(), mess(), "mess/");
        assertEquals(List.of(), pid(), "pid/");
    }

    /** The one message in todo/: its number. */
    public long onlyMessage() throws IOException {
        List<String> t = todo();
        assertEquals(1, t.size(), "one message in todo/: " + t);
        return Long.parseLong(t.get(0));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(new TreeSet<>(s.map(p -> p.getFileName().toString()).toList()));
        }
    }

    /** Runs a command, waits at most two minutes; its exit status. */
    public static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        return p.exitValue();
    }
}
