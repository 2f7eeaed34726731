package org.jqmail.queue;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandardFdTest {
    @TempDir
    Path tmp;

    /** The number of an fd of this process that points at {@code target}, or -1. */
    private static int fdOf(Path target) throws Exception {
        for (int fd = 0; fd < 4096; fd++) {
            Path link = Path.of("/proc/self/fd/" + fd);
            if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) return fd;
        }
        return -1;
    }

    @Test
    void aCallersFileIsHandedOverTheJvmsOwnAreNot() throws Exception {
        Path message = Files.writeString(tmp.resolve("message"), "x");
        try (FileInputStream in = new FileInputStream(message.toFile())) {
            assertTrue(StandardFd.handedOver(fdOf(message), tmp));
        }
        // the JDK's module image is open in every JVM
        Path modules = Path.of(System.getProperty("java.home"), "lib", "modules").toRealPath();
        int fd = fdOf(modules);
        assertTrue(fd >= 0, "lib/modules is open");
        assertFalse(StandardFd.handedOver(fd, tmp));
        // a jar under ROOT/lib (where the installer puts ours and the AOT caches)
        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("lib")).resolve("x.jar"), "PK");
        try (FileInputStream in = new FileInputStream(jar.toFile())) {
            assertFalse(StandardFd.handedOver(fdOf(jar), tmp));
        }
    }

    @Test
    void aClosedFdIsNot() {
        assertFalse(StandardFd.handedOver(100_000, tmp));
    }
}
