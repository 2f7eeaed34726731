package org.jqmail.send;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jqmail.common.QueueLayout;

/**
 * A queue tree in a temporary directory, and messages put into it in qmail-queue's layout and order
 * (qmail-queue's Injection and IntdWriter): pid file, its inode N, mess/S/N, intd/N with u, p, F, T
 * records, then the todo/N link.
 */
final class TestQueue {
    final Path root;
    final Path queue;
    final QueueLayout layout;

    TestQueue(Path root) throws IOException {
        this.root = root;
        this.queue = root.resolve("queue");
        this.layout = new QueueLayout(queue);
        for (String d : new String[] {"pid", "intd", "todo", "bounce", "lock"}) Files.createDirectories(queue.resolve(d));
        for (String d : QueueLayout.SPLIT_DIRS) {
            for (int s = 0; s < QueueLayout.SPLIT; s++) Files.createDirectories(queue.resolve(d).resolve("" + s));
        }
        Files.createDirectories(root.resolve("control"));
        Files.writeString(queue.resolve("lock/sendmutex"), "");
    }

    void control(String name, String content) throws IOException {
        Files.writeString(root.resolve("control").resolve(name), content, StandardCharsets.ISO_8859_1);
    }

    /** Injects a message; returns its number N. */
    long inject(String sender, List<String> recipients, String message) throws IOException {
        ByteArrayOutputStream env = new ByteArrayOutputStream();
        env.writeBytes(("u" + 1000 + "\0p" + 4242 + "\0").getBytes(StandardCharsets.ISO_8859_1));
        env.writeBytes(("F" + sender + "\0").getBytes(StandardCharsets.ISO_8859_1));
        for (String r : recipients) env.writeBytes(("T" + r + "\0").getBytes(StandardCharsets.ISO_8859_1));
        return injectRaw(env.toByteArray(), message);
    }

    /** Injects with an intd/todo file of exactly {@code intd}'s bytes (for corrupt ones). */
    long injectRaw(byte[] intd, String message) throws IOException {
        Path pid = queue.resolve("pid").resolve(ProcessHandle.current().pid() + "." + System.nanoTime() + ".1");
        Files.writeString(pid, "Received: (qmail 4242 invoked by uid 1000); 1 Jan 2026 00:00:00 -0000\n" + message,
            StandardCharsets.ISO_8859_1);
        long n = (Long) Files.getAttribute(pid, "unix:ino");
        Files.createLink(layout.mess(n), pid);
        Files.delete(pid);
        Files.write(layout.intd(n), intd);
        Files.createLink(layout.todo(n), layout.intd(n));
        return n;
    }

    byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }

    String text(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
    }
}
