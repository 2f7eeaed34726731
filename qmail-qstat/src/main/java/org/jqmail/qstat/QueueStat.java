package org.jqmail.qstat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The two numbers of qmail's qmail-qstat script: the entries inside the subdirectories of
 * {@code queue/mess} (one per message, whatever state it is in, half-injected ones included) and the
 * entries of {@code queue/todo} (messages qmail-send has not preprocessed yet). Like the script's
 * {@code find}, it counts every entry below those directories, of any type, and follows no symbolic
 * link; unlike the script, a directory it cannot read is an error rather than a silently low count.
 */
record QueueStat(long messages, long todo) {
    /** Deeper than any queue qmail makes; a deeper tree is damage, not something to walk forever. */
    static final int MAX_DEPTH = 8;

    static QueueStat of(Path queue) throws IOException {
        long messages = 0;
        try (DirectoryStream<Path> split = Files.newDirectoryStream(queue.resolve("mess"))) {
            for (Path p : split) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) messages += entriesBelow(p, 1);
            }
        }
        return new QueueStat(messages, entriesBelow(queue.resolve("todo"), 1));
    }

    private static long entriesBelow(Path dir, int depth) throws IOException {
        if (depth > MAX_DEPTH) throw new IOException(dir + ": directories nested too deep");
        long n = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                n++;
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) n += entriesBelow(p, depth + 1);
            }
        }
        return n;
    }

    /** qmail-qstat's two lines, exactly. */
    String text() {
        return "messages in queue: " + messages + "\nmessages in queue but not yet preprocessed: " + todo + "\n";
    }
}
