package org.jqmail.inject;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Standard input, unless it was closed when we were started. A C program sees a closed fd 0 as a read
 * error; a JVM opens its own files at start-up, and the first of them (lib/modules, a jar, the AOT
 * cache) takes the lowest free number, 0, so reading "stdin" would read and mail out that file. This
 * looks at what fd 0 is before anything reads it and refuses the JVM's own files.
 */
public final class Stdin {
    private Stdin() {}

    /** System.in, or a stream whose every read fails when fd 0 is one of the JVM's own files. */
    public static InputStream open() {
        if (!stolenByJvm()) return System.in;
        return new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("standard input is not open");
            }
        };
    }

    static boolean stolenByJvm() {
        Path fd0;
        try {
            fd0 = Files.readSymbolicLink(Path.of("/proc/self/fd/0"));
        } catch (IOException | UnsupportedOperationException e) {
            return false; // no /proc: nothing to compare with; read it as it is
        }
        if (!fd0.isAbsolute()) return false; // pipe:[...], socket:[...]
        if (fd0.startsWith(real(System.getProperty("java.home", "/nonexistent")))) return true;
        String name = fd0.getFileName() == null ? "" : fd0.getFileName().toString();
        if (name.endsWith(".aot") || name.endsWith(".jsa")) return true;
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isEmpty() && fd0.equals(real(entry))) return true;
        }
        return false;
    }

    private static Path real(String p) {
        try {
            return Path.of(p).toRealPath();
        } catch (IOException | RuntimeException e) {
            return Path.of(p).toAbsolutePath();
        }
    }
}
