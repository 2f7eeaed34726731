package org.jqmail.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Run by {@link InheritedFdTest} in a child JVM started by sh with fds already placed: copies fd 3 to
 * fd 4 behind "fd3:", then fd 0 to fd 1 behind "fd0:", and reports on fd 2 which of fds 3, 4 and 999 are open (the JVM opens files of its own from 5 on).
 */
public final class InheritedFdChild {
    public static void main(String[] args) throws IOException {
        try (InputStream in3 = InheritedFd.input(3); OutputStream out4 = InheritedFd.output(4)) {
            out4.write("fd3:".getBytes());
            in3.transferTo(out4);
        }
        OutputStream out1 = InheritedFd.output(1);
        out1.write("fd0:".getBytes());
        InheritedFd.input(0).transferTo(out1);
        out1.flush();
        StringBuilder open = new StringBuilder("open:");
        for (int fd : new int[] {3, 4, 999}) if (InheritedFd.isOpen(fd)) open.append(' ').append(fd);
        InheritedFd.output(2).write(open.toString().getBytes());
    }
}
