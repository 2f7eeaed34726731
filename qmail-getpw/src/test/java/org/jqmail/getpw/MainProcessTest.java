package org.jqmail.getpw;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The program as qmail-lspawn runs it: a separate JVM, answer on fd 1, exit code. */
class MainProcessTest {
    private static Process start(String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java.toString(), "-cp",
            System.getProperty("java.class.path"), "-Djqmail.root=/nonexistent", Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).start();
    }

    @Test
    void noArgumentExits100WithoutOutput() throws Exception {
        Process p = start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(100, p.exitValue());
        assertEquals(0, out.length);
    }
}
