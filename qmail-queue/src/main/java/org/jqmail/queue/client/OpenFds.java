package org.jqmail.queue.client;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fds open in this process, from /proc/self/fd: what the child must close when the C library has
 * no posix_spawn_file_actions_addclosefrom_np (glibc before 2.34). An fd closed meanwhile by another
 * thread does no harm: glibc ignores EBADF for a close action.
 */
final class OpenFds {
    private OpenFds() {}

    static List<Integer> list() throws IOException {
        List<Integer> fds = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                int fd = 0;
                boolean digits = !name.isEmpty() && name.length() < 10;
                for (int i = 0; digits && i < name.length(); i++) {
                    char c = name.charAt(i);
                    digits = c >= '0' && c <= '9';
                    fd = fd * 10 + (c - '0');
                }
                if (digits) fds.add(fd);
            }
        }
        return fds;
    }
}
