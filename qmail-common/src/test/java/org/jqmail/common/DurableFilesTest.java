package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
    @TempDir Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void replaceCreatesAFileAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("cdb");
        DurableFiles.replace(target, "new".getBytes());
        assertEquals("new", Files.readString(target));
        assertEquals(List.of("cdb"), names());
    }

    @Test
    void replaceReplacesTheWholeContent() throws IOException {
        Path target = dir.resolve("cdb");
        Files.writeString(target, "old content that is longer");
        DurableFiles.replace(target, "new".getBytes());
        assertEquals("new", Files.readString(target));
        DurableFiles.replace(target, new byte[0]);
        assertEquals(0, Files.size(target));
        assertEquals(List.of("cdb"), names());
    }

    @Test
    void replaceMakesANewFileSoOpenReadersKeepTheOldContent() throws IOException {
        Path target = dir.resolve("cdb");
        Files.writeString(target, "old");
        Object before = Files.getAttribute(target, "unix:ino");
        DurableFiles.replace(target, "new".getBytes());
        assertFalse(before.equals(Files.getAttribute(target, "unix:ino")));
    }

    @Test
    void aFailedReplaceLeavesTheOldAndNoTemporaryFile() throws IOException {
        // A non-empty directory cannot be renamed over, so publish fails after the temp file is written.
        Path target = dir.resolve("cdb");
        Files.createDirectory(target);
        Files.writeString(target.resolve("inside"), "old");
        assertThrows(IOException.class, () -> DurableFiles.replace(target, "new".getBytes()));
        assertEquals("old", Files.readString(target.resolve("inside")));
        assertEquals(List.of("cdb"), names());
    }

    @Test
    void replaceInAMissingDirectoryFails() {
        assertThrows(IOException.class, () -> DurableFiles.replace(dir.resolve("no/such/file"), new byte[1]));
    }

    @Test
    void aReaderSeesTheOldContentOrTheNewNeverAMix() throws Exception {
        Path target = dir.resolve("cdb");
        String a = "a".repeat(100_000);
        String b = "b".repeat(50_000);
        DurableFiles.replace(target, a.getBytes());
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> bad = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!done.get() && bad.get() == null) {
                try {
                    String s = Files.readString(target);
                    if (!s.equals(a) && !s.equals(b)) bad.set("length " + s.length());
                } catch (IOException e) {
                    bad.set(e.toString()); // the target must exist at every moment
                }
            }
        });
        reader.start();
        try {
            for (int i = 0; i < 100; i++) DurableFiles.replace(target, (i % 2 == 0 ? b : a).getBytes());
        } finally {
            done.set(true);
            reader.join();
        }
        assertEquals(null, bad.get());
        assertEquals(List.of("cdb"), names());
    }

    @Test
    void publishRenamesOverTheTarget() throws IOException {
        Path temp = dir.resolve("x.tmp");
        Path target = dir.resolve("x");
        Files.writeString(target, "old");
        Files.writeString(temp, "new");
        DurableFiles.publish(temp, target);
        assertEquals("new", Files.readString(target));
        assertFalse(Files.exists(temp));
    }

    @Test
    void publishOfAMissingFileFails() {
        assertThrows(NoSuchFileException.class, () -> DurableFiles.publish(dir.resolve("absent"), dir.resolve("x")));
    }

    @Test
    void linkMakesASecondNameForTheSameFile() throws IOException {
        Path intd = dir.resolve("intd");
        Path todo = dir.resolve("todo");
        Files.writeString(intd, "envelope");
        DurableFiles.link(intd, todo);
        assertTrue(Files.isSameFile(intd, todo));
        assertEquals(2, Files.getAttribute(intd, "unix:nlink"));
    }

    @Test
    void linkNeverReplacesAnExistingName() throws IOException {
        Path intd = dir.resolve("intd");
        Path todo = dir.resolve("todo");
        Files.writeString(intd, "new");
        Files.writeString(todo, "old");
        assertThrows(FileAlreadyExistsException.class, () -> DurableFiles.link(intd, todo));
        assertEquals("old", Files.readString(todo));
    }

    @Test
    void syncDirectoryWorksOnADirectoryAndFailsOnAMissingOne() throws IOException {
        DurableFiles.syncDirectory(dir);
        assertThrows(IOException.class, () -> DurableFiles.syncDirectory(dir.resolve("absent")));
    }
}
