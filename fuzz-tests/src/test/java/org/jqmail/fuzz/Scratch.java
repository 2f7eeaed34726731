package org.jqmail.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A scratch directory per target, for parsers that read files. Jazzer reuses one JVM for millions of
 * runs, so targets overwrite one file instead of making a directory per run; the directory is removed
 * when the JVM exits.
 */
final class Scratch {
    private Scratch() {}

    static Path dir(String name) {
        try {
            Path d = Files.createTempDirectory("jqmail-fuzz-" + name);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var s = Files.list(d)) {
                    for (Path p : s.toList()) Files.deleteIfExists(p);
                    Files.deleteIfExists(d);
                } catch (IOException ignored) {
                    // a temp directory left behind is harmless
                }
            }));
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
