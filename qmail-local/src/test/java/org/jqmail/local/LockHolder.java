package org.jqmail.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Test helper run as its own process: holds an exclusive lock on a file (fcntl, like a mail reader)
 * until its stdin is closed. A lock held by the test JVM itself would not do: the JDK refuses a second
 * lock on the same file within one JVM instead of waiting.
 */
public final class LockHolder {
    private LockHolder() {}

    public static void main(String[] args) throws IOException {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            FileLock lock = ch.lock();
            System.out.println(lock.isValid() ? "locked" : "not locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for EOF
            }
        }
    }
}
