package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileProbeTest {
    @TempDir Path dir;

    @Test
    void existsTellsThereNotThereAndCannotTell() throws IOException {
        Path file = Files.writeString(dir.resolve("1234"), "x");
        assertEquals(1, FileProbe.exists(file));
        assertEquals(1, FileProbe.exists(dir));
        assertEquals(0, FileProbe.exists(dir.resolve("5678")));
        assertEquals(0, FileProbe.exists(dir.resolve("missing/5678")));
        // a path through a regular file (ENOTDIR) is not "missing": qmail-send must not act on it
        assertEquals(-1, FileProbe.exists(file.resolve("5678")));
    }

    @Test
    void aDanglingSymlinkIsSeenThroughAsStatWould() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("nowhere"));
        assertEquals(0, FileProbe.exists(link));
    }

    @Test
    void unlinkIfExistsRemovesOrReportsAbsence() throws IOException {
        Path file = Files.writeString(dir.resolve("1234"), "x");
        assertTrue(FileProbe.unlinkIfExists(file));
        assertFalse(Files.exists(file));
        assertFalse(FileProbe.unlinkIfExists(file));
        assertFalse(FileProbe.unlinkIfExists(dir.resolve("missing/1234")));
    }

    @Test
    void unlinkIfExistsRefusesWhatItMustNotRemoveOrCannotReach() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertThrows(IOException.class, () -> FileProbe.unlinkIfExists(sub)); // EISDIR, not rmdir
        assertTrue(Files.isDirectory(sub));
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertThrows(IOException.class, () -> FileProbe.unlinkIfExists(file.resolve("x"))); // ENOTDIR
    }

    @Test
    void anOverlongPathIsCannotTellNotMissing() {
        // (a Path cannot hold a NUL: Path.of refuses it before anything here sees it)
        Path longName = dir.resolve("n".repeat(300)); // ENAMETOOLONG: one component over 255
        Path longPath = dir.resolve(("d".repeat(200) + "/").repeat(25) + "1234"); // over PATH_MAX
        assertEquals(-1, FileProbe.exists(longName));
        assertEquals(-1, FileProbe.exists(longPath));
        assertThrows(IOException.class, () -> FileProbe.unlinkIfExists(longName));
        assertThrows(IOException.class, () -> FileProbe.unlinkIfExists(longPath));
    }
}
