package org.jqmail.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Looking into an installed queue from a test: what is in todo/, intd/, mess/. */
final class QueueFiles {
    private final Path queue;

    QueueFiles(Path root) {
        this.queue = root.resolve("queue");
    }

    /** The one message that is in todo now and was not in {@code before}; fails if there is not exactly one. */
    String added(Set<String> before) throws IOException {
        Set<String> now = new TreeSet<>(todo());
        now.removeAll(before);
        org.junit.jupiter.api.Assertions.assertEquals(1, now.size(), "one new message in todo: " + now);
        return now.iterator().next();
    }

    Set<String> todo() throws IOException {
        return names(queue.resolve("todo"));
    }

    Set<String> intd() throws IOException {
        return names(queue.resolve("intd"));
    }

    Set<String> pid() throws IOException {
        return names(queue.resolve("pid"));
    }

    /** Every mess file, as "S/N". */
    Set<String> mess() throws IOException {
        return split("mess");
    }

    /** Every info file (a message qmail-send has preprocessed and not yet finished), as "S/N". */
    Set<String> info() throws IOException {
        return split("info");
    }

    private Set<String> split(String dir) throws IOException {
        Set<String> all = new TreeSet<>();
        try (Stream<Path> s = Files.walk(queue.resolve(dir), 2)) {
            s.filter(Files::isRegularFile).forEach(p -> all.add(p.getParent().getFileName() + "/" + p.getFileName()));
        }
        return all;
    }

    Path messOf(String n) {
        long num = Long.parseLong(n);
        return queue.resolve("mess").resolve(Long.toString(num % 23)).resolve(n);
    }

    Path todoOf(String n) {
        return queue.resolve("todo").resolve(n);
    }

    Path intdOf(String n) {
        return queue.resolve("intd").resolve(n);
    }

    private static Set<String> names(Path dir) throws IOException {
        Set<String> all = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> all.add(p.getFileName().toString()));
        }
        return all;
    }
}
