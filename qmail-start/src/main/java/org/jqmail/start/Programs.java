package org.jqmail.start;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the four programs qmail-start starts live: ROOT/bin, as installed. qmail finds them through
 * PATH; we name them absolutely so that the root qmail-start belongs to is the root its daemons belong
 * to, whatever PATH says. The system property {@value #TEST_BIN} replaces the directory; it exists only
 * for the tests, which run stand-in programs (the installer's launchers never set it).
 */
record Programs(Path lspawn, Path rspawn, Path clean, Path send, Path setpriv) {
    static final String TEST_BIN = "jqmail.start.test.bin";
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    static Programs in(Path bin) {
        return new Programs(bin.resolve("qmail-lspawn"), bin.resolve("qmail-rspawn"), bin.resolve("qmail-clean"),
            bin.resolve("qmail-send"), SETPRIV);
    }

    static Programs installed(Path root) {
        String test = System.getProperty(TEST_BIN);
        return in(test != null ? Path.of(test) : root.resolve("bin"));
    }

    /**
     * Refuses to start anything unless every program is there: qmail would start some daemons and then
     * have the exec of another fail in its child, leaving a half-started system to qmail-send.
     */
    void check() throws StartFailure {
        for (Path p : new Path[] {setpriv, lspawn, rspawn, clean, send}) {
            if (!Files.isRegularFile(p)) throw new StartFailure("unable to run " + p + ": file does not exist");
            if (!Files.isExecutable(p)) throw new StartFailure("unable to run " + p + ": not executable");
        }
    }
}
