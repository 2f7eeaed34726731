package org.jqmail.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qmail-queued's unnamed inodes: qmail's names and contents, made without pid/ and without leftovers. */
class TmpfileInodesTest {
    private static final Invoker INVOKER = new Invoker(1234, "by uid 1234");

    @TempDir
    Path tmp;
    QueueTree q;
    TmpfileInodes inodes;

    @BeforeEach
    void tree() throws Exception {
        q = new QueueTree(tmp.resolve("root"));
        inodes = new TmpfileInodes(q.queue);
        try (TmpfileInodes.Unnamed u = inodes.make()) {
            // made and dropped: nothing to see
        } catch (java.io.IOException e) {
            Assumptions.assumeTrue(false, "no O_TMPFILE on this file system: " + e.getMessage());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private long inject(String message, String envelope) throws Exception {
        return new Injection(q.queue, "77.4194305", 4194305, 1_700_000_000L, INVOKER, inodes)
            .inject(Channels.newChannel(new ByteArrayInputStream(bytes(message))), new ByteArrayInputStream(bytes(envelope)));
    }

    @Test
    void anInjectionLeavesQmailsFilesAndNoPidFile() throws Exception {
        long n = inject("Subject: hi\n\nhello\n", "Fme@example.org\0Tyou@example.org\0\0");
        assertEquals(List.of(Long.toString(n)), q.todo());
        assertEquals(List.of(Long.toString(n)), q.intd());
        assertEquals(List.of(n % 23 + "/" + n), q.mess());
        assertEquals(List.of(), q.pid());
        assertEquals(n, (Long) Files.getAttribute(q.queue.mess(n), "unix:ino"));
        assertEquals(Files.getAttribute(q.queue.intd(n), "unix:ino"), Files.getAttribute(q.queue.todo(n), "unix:ino"));
        assertArrayEquals(bytes("u1234\0p4194305\0Fme@example.org\0Tyou@example.org\0"), Files.readAllBytes(q.queue.todo(n)));
        assertTrue(Files.readString(q.queue.mess(n)).endsWith("Subject: hi\n\nhello\n"));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(q.queue.mess(n))));
    }

    @Test
    void aFailedInjectionLeavesNothingAnywhere() throws Exception {
        // an envelope that ends before its final NUL: nothing is queued, nothing stays behind
        assertThrows(org.jqmail.common.EnvelopeReader.EnvelopeException.class,
            () -> inject("Subject: x\n\nbody\n", "Fme@example.org\0Tyou@example.org\0"));
        assertEquals(List.of(), q.todo());
        assertEquals(List.of(), q.intd());
        assertEquals(List.of(), q.mess());
        assertEquals(List.of(), q.pid());
    }

    @Test
    void theInodesComeFromEverySplitDirectoryInTurn() throws Exception {
        // their numbers differ and each message still lands in mess/(N mod 23)
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 30; i++) seen.add(inject("Subject: " + i + "\n\n", "Fa@b\0Tc@d\0\0"));
        assertEquals(30, seen.size());
        assertEquals(30, q.mess().size());
        for (long n : seen) assertTrue(Files.exists(q.queue.mess(n)));
    }

    @Test
    void aTakenNameIsRefusedAsOExclWould() throws Exception {
        Path taken = Files.writeString(q.queue.intd(99), "someone else's");
        try (TmpfileInodes.Unnamed u = inodes.make()) {
            assertThrows(TmpfileInodes.NameTaken.class, () -> inodes.link(u, taken));
        }
        assertEquals("someone else's", Files.readString(taken));
    }

    @Test
    void anUnlinkedInodeLeavesNoName() throws Exception {
        try (TmpfileInodes.Unnamed u = inodes.make()) {
            assertTrue(u.inode() > 0);
        }
        assertEquals(List.of(), q.mess());
    }
}
